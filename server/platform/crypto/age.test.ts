import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createAgeEncryptStream, parseAgeRecipient } from './age.js';

const dir = mkdtempSync(join(tmpdir(), 'confidant-age-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keygen(name: string): { identityFile: string; recipient: string } {
  const identityFile = join(dir, `${name}.key`);
  execFileSync('age-keygen', ['-o', identityFile], { stdio: 'pipe' });
  const recipient = /public key: (age1[0-9a-z]+)/.exec(readFileSync(identityFile, 'utf8'))![1]!;
  return { identityFile, recipient };
}

async function ageEncrypt(data: Buffer, recipients: string[], piece = 10_000): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += piece) pieces.push(data.subarray(i, i + piece));
  const parts: Buffer[] = [];
  for await (const part of Readable.from(pieces).pipe(createAgeEncryptStream(recipients))) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

function ageDecrypt(file: Buffer, identityFile: string): Buffer {
  const path = join(dir, `${randomBytes(4).toString('hex')}.age`);
  writeFileSync(path, file);
  return execFileSync('age', ['-d', '-i', identityFile, path], { maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('age writer, checked with the age CLI', () => {
  const alice = keygen('alice');
  const bob = keygen('bob');

  it.each([0, 1, 65535, 65536, 65537, 3 * 65536, 200_000])('age -d decrypts a %i-byte file', async (size) => {
    const data = randomBytes(size);
    const file = await ageEncrypt(data, [alice.recipient]);
    expect(file.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
    expect(ageDecrypt(file, alice.identityFile).equals(data)).toBe(true);
  });

  it('encrypts to several recipients; each can decrypt, an outsider cannot', async () => {
    const data = randomBytes(1000);
    const file = await ageEncrypt(data, [alice.recipient, bob.recipient]);
    expect(ageDecrypt(file, bob.identityFile).equals(data)).toBe(true);
    expect(ageDecrypt(file, alice.identityFile).equals(data)).toBe(true);
    const eve = keygen('eve');
    expect(() => ageDecrypt(file, eve.identityFile)).toThrow();
  });

  it('age refuses our file after a flipped payload bit', async () => {
    const file = await ageEncrypt(randomBytes(5000), [alice.recipient]);
    file[file.length - 100]! ^= 1;
    expect(() => ageDecrypt(file, alice.identityFile)).toThrow();
  });

  it('refuses malformed recipients', () => {
    expect(parseAgeRecipient(alice.recipient)).toHaveLength(32);
    expect(() => parseAgeRecipient(alice.recipient.slice(0, -1) + (alice.recipient.endsWith('q') ? 'p' : 'q'))).toThrow();
    expect(() => parseAgeRecipient('age1')).toThrow();
    expect(() => parseAgeRecipient('npub1qqqqqqqqqqqqq')).toThrow();
  });
});
