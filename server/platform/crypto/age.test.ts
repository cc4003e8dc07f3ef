import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ageChecker, defaultAgeCheckerKind, isAgeCliAvailable, type AgeChecker } from '../../test-support/age-check.js';
import { createAgeEncryptStream, parseAgeRecipient } from './age.js';

async function ageEncrypt(data: Buffer, recipients: string[], piece = 10_000): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += piece) pieces.push(data.subarray(i, i + piece));
  const parts: Buffer[] = [];
  for await (const part of Readable.from(pieces).pipe(createAgeEncryptStream(recipients))) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

// The JS implementation always runs (so both paths are proven where the CLI is installed); the
// real `age` CLI runs too whenever it is on PATH.
const checkers: AgeChecker[] = [ageChecker('js'), ...(isAgeCliAvailable() ? [ageChecker('cli')] : [])];

describe.each(checkers)('age writer, checked with the $kind implementation of age', (checker) => {
  it.each([0, 1, 65535, 65536, 65537, 3 * 65536, 200_000])('age -d decrypts a %i-byte file', async (size) => {
    const alice = await checker.generateIdentity();
    const data = randomBytes(size);
    const file = await ageEncrypt(data, [alice.recipient]);
    expect(file.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
    expect((await checker.decrypt(file, alice)).equals(data)).toBe(true);
  });

  it('encrypts to several recipients; each can decrypt, an outsider cannot', async () => {
    const [alice, bob, eve] = [await checker.generateIdentity(), await checker.generateIdentity(), await checker.generateIdentity()];
    const data = randomBytes(1000);
    const file = await ageEncrypt(data, [alice.recipient, bob.recipient]);
    expect((await checker.decrypt(file, bob)).equals(data)).toBe(true);
    expect((await checker.decrypt(file, alice)).equals(data)).toBe(true);
    await expect(checker.decrypt(file, eve)).rejects.toThrow();
  });

  it('age refuses our file after a flipped payload bit', async () => {
    const alice = await checker.generateIdentity();
    const file = await ageEncrypt(randomBytes(5000), [alice.recipient]);
    file[file.length - 100]! ^= 1;
    await expect(checker.decrypt(file, alice)).rejects.toThrow();
  });

  it('refuses malformed recipients', async () => {
    const alice = await checker.generateIdentity();
    expect(parseAgeRecipient(alice.recipient)).toHaveLength(32);
    expect(() => parseAgeRecipient(alice.recipient.slice(0, -1) + (alice.recipient.endsWith('q') ? 'p' : 'q'))).toThrow();
    expect(() => parseAgeRecipient('age1')).toThrow();
    expect(() => parseAgeRecipient('npub1qqqqqqqqqqqqq')).toThrow();
  });
});

describe('which age checks the tests use', () => {
  it('the CLI when it is on PATH, the JS implementation otherwise, and CONFIDANT_TEST_AGE forces either', () => {
    expect(defaultAgeCheckerKind({})).toBe(isAgeCliAvailable() ? 'cli' : 'js');
    expect(defaultAgeCheckerKind({ CONFIDANT_TEST_AGE: 'js' })).toBe('js');
    expect(defaultAgeCheckerKind({ CONFIDANT_TEST_AGE: 'cli' })).toBe('cli');
    expect(() => defaultAgeCheckerKind({ CONFIDANT_TEST_AGE: 'maybe' })).toThrow(/CONFIDANT_TEST_AGE/);
  });

  it.runIf(isAgeCliAvailable())('an identity from one implementation opens files in the other (same format, same keys)', async () => {
    const data = randomBytes(70_000);
    const fromCli = await ageChecker('cli').generateIdentity();
    const fromJs = await ageChecker('js').generateIdentity();
    const file = await ageEncrypt(data, [fromCli.recipient, fromJs.recipient]);
    expect((await ageChecker('js').decrypt(file, fromCli)).equals(data)).toBe(true);
    expect((await ageChecker('cli').decrypt(file, fromJs)).equals(data)).toBe(true);
  });
});
