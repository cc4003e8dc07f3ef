/**
 * Password hashing (argon2id with OWASP's first recommended parameter set: 19 MiB, 2 passes,
 * 1 lane) and strength policy (length ≥ 12 and zxcvbn-ts score ≥ 3, with its reason on refusal).
 */
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { AppError } from '../../platform/errors.js';

// 2 = Algorithm.Argon2id (a const enum, not importable as a value under verbatimModuleSyntax).
export const ARGON2_OPTIONS = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

// The dictionaries are large: loaded on first use so the server starts fast.
let zxcvbn: Promise<ZxcvbnFactory> | null = null;
function strengthEstimator(): Promise<ZxcvbnFactory> {
  zxcvbn ??= (async () => {
    const [{ ZxcvbnFactory: Factory }, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    return new Factory({ dictionary: { ...common.dictionary, ...en.dictionary }, graphs: common.adjacencyGraphs, translations: en.translations });
  })();
  return zxcvbn;
}

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// Verified against when the account does not exist, so an unknown email costs the same time.
let dummyHash: Promise<string> | null = null;
export async function burnPasswordTime(password: string): Promise<void> {
  dummyHash ??= hashPassword('confidant-dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
}

/**
 * Throws PASSWORD_TOO_WEAK naming the field with a human reason. `context` (the user's email and
 * name) counts as guessable words.
 */
export async function assertPasswordStrength(password: string, context: string[] = [], field = 'body.password'): Promise<void> {
  const refuse = (message: string) => {
    throw new AppError('PASSWORD_TOO_WEAK', message, [{ path: field, message }]);
  };
  if (password.length < PASSWORD_MIN_LENGTH) refuse(`Use at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH) refuse(`Use at most ${PASSWORD_MAX_LENGTH} characters`);
  const words = context.flatMap((c) => c.toLowerCase().split(/[^a-z0-9]+/)).filter((w) => w.length >= 3);
  const result = (await strengthEstimator()).check(password, words);
  if (result.score < 3) {
    const reason = result.feedback.warning || result.feedback.suggestions[0] || 'This password is too easy to guess';
    refuse(`Password is too easy to guess: ${reason.replace(/\.$/, '')}. Add more unrelated words or characters.`);
  }
}
