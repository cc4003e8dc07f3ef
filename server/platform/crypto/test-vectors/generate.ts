/**
 * Regenerates chunked-aead-v1.json (run: npx tsx server/platform/crypto/test-vectors/generate.ts).
 * Fixed keys and salts make the output deterministic; the committed file is the reference other
 * implementations check against.
 */
import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createEncryptStream, encodeContext } from '../chunked-aead.js';

async function encrypt(plaintext: Buffer, dataKey: Buffer, salt: Buffer, context: Buffer, chunkLog2: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of Readable.from([plaintext]).pipe(createEncryptStream({ dataKey, context, salt, chunkLog2 }))) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const dataKey = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const salt = Buffer.alloc(32, 0xa5);
const context = ['01890a5c-0000-7000-8000-000000000001', '01890a5c-0000-7000-8000-0000000000c1', 1] as const;
const cases = [
  { name: 'empty', chunkLog2: 10, plaintext: Buffer.alloc(0) },
  { name: 'short', chunkLog2: 10, plaintext: Buffer.from('Confidant test vector', 'utf8') },
  { name: 'exactly one chunk', chunkLog2: 10, plaintext: Buffer.alloc(1024, 0x41) },
  { name: 'three chunks, last partial', chunkLog2: 10, plaintext: Buffer.from(Array.from({ length: 2500 }, (_, i) => i % 251)) },
];
const vectors = [];
for (const c of cases) {
  const ciphertext = await encrypt(c.plaintext, dataKey, salt, encodeContext([...context]), c.chunkLog2);
  vectors.push({ name: c.name, chunkLog2: c.chunkLog2, dataKey: dataKey.toString('hex'), salt: salt.toString('hex'), context: [...context], plaintext: c.plaintext.toString('hex'), ciphertext: ciphertext.toString('hex') });
}
writeFileSync(new URL('./chunked-aead-v1.json', import.meta.url), `${JSON.stringify({ format: 'CNFD v1', vectors }, null, 1)}\n`);
