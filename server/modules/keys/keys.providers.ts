/**
 * Master key providers: where the key-encryption key comes from. `file` (default: generated at
 * init, mode 0600, outside the database), `env` (MASTER_KEY) and `passphrase` (argon2id; the
 * server starts sealed). An external KMS fits the same shape: something that yields 32 bytes, or
 * nothing yet (sealed).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hashRaw, type Algorithm } from '@node-rs/argon2';
import type { Config } from '../../config.js';

export interface KdfParams {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP's argon2id recommendation, stronger on memory because unsealing is rare. */
export const DEFAULT_KDF: KdfParams = { memoryCost: 65_536, timeCost: 3, parallelism: 1 };
export const MIN_PASSPHRASE_LENGTH = 12;

export async function deriveFromPassphrase(passphrase: string, salt: Buffer, params: KdfParams): Promise<Buffer> {
  // 2 is Algorithm.Argon2id (a const enum, not importable as a value under verbatimModuleSyntax).
  return hashRaw(passphrase.normalize('NFKC'), { algorithm: 2 as Algorithm, salt, outputLen: 32, ...params });
}

const nextFileOf = (file: string) => `${file}.next`;

async function writeKeyFile(path: string, key: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(`${key.toString('base64')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readKeyFile(path: string): Promise<Buffer> {
  const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  if (key.length !== 32) throw new Error(`master key file ${path} does not hold a 32-byte key`);
  return key;
}

/** Creates the master key file if there is none. Returns true when it created one. */
export async function createKeyFileIfMissing(config: Config): Promise<boolean> {
  if (existsSync(config.masterKey.file)) return false;
  await writeKeyFile(config.masterKey.file, randomBytes(32));
  return true;
}

/** The file provider's candidates: the current file, then a staged `.next` left by an interrupted rotation. */
export async function readKeyFileCandidates(config: Config): Promise<{ key: Buffer; staged: boolean }[]> {
  const candidates: { key: Buffer; staged: boolean }[] = [];
  if (existsSync(config.masterKey.file)) {
    const mode = (await stat(config.masterKey.file)).mode & 0o777;
    // Tighten rather than refuse: a copied key file often loses its mode.
    if ((mode & 0o077) !== 0) await chmod(config.masterKey.file, 0o600);
    candidates.push({ key: await readKeyFile(config.masterKey.file), staged: false });
  }
  if (existsSync(nextFileOf(config.masterKey.file))) candidates.push({ key: await readKeyFile(nextFileOf(config.masterKey.file)), staged: true });
  return candidates;
}

/** Rotation, step 1: the new key is written durably beside the old before any key is re-wrapped. */
export async function stageKeyFile(config: Config, key: Buffer): Promise<void> {
  await rm(nextFileOf(config.masterKey.file), { force: true });
  await writeKeyFile(nextFileOf(config.masterKey.file), key);
}

/** Rotation, step 3 (after the re-wrap committed): the staged key replaces the old one. */
export async function promoteStagedKeyFile(config: Config): Promise<void> {
  await rename(nextFileOf(config.masterKey.file), config.masterKey.file);
  const dir = await open(dirname(config.masterKey.file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export async function discardStagedKeyFile(config: Config): Promise<void> {
  await rm(nextFileOf(config.masterKey.file), { force: true });
}

export function envMasterKey(config: Config): Buffer {
  const key = Buffer.from(config.masterKey.envValue ?? '', 'base64');
  if (key.length !== 32) throw new Error('MASTER_KEY must be base64 of 32 bytes');
  return key;
}
