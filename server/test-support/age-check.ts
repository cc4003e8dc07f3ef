/**
 * Checks our age output as a recipient would: with the real `age` CLI whenever it is on PATH (CI
 * installs it), else with age-encryption, the maintained TypeScript implementation of the format
 * by age's author, so `npm test` passes on a machine without the CLI.
 * `CONFIDANT_TEST_AGE=js` (or `cli`) forces one of them; `ageChecker('js')` does it for one test.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decrypter, generateIdentity, identityToRecipient } from 'age-encryption';

export type AgeCheckerKind = 'cli' | 'js';

export interface AgeIdentity {
  /** `age1…`: what an export is encrypted to. */
  recipient: string;
  /** `AGE-SECRET-KEY-1…`: the private half. */
  secretKey: string;
}

export interface AgeChecker {
  kind: AgeCheckerKind;
  generateIdentity(): Promise<AgeIdentity>;
  /** The plaintext of an age file; rejects when `identity` cannot open it or the file is damaged. */
  decrypt(file: Uint8Array, identity: AgeIdentity): Promise<Buffer>;
  /** The plaintext of a passphrase-protected (scrypt) age file; rejects on a wrong passphrase. */
  decryptWithPassphrase(file: Uint8Array, passphrase: string): Promise<Buffer>;
}

let cliPresent: boolean | undefined;

/** Whether both `age` and `age-keygen` run from PATH. */
export function isAgeCliAvailable(): boolean {
  if (cliPresent === undefined) {
    try {
      for (const tool of ['age', 'age-keygen']) execFileSync(tool, ['--version'], { stdio: 'pipe' });
      cliPresent = true;
    } catch {
      cliPresent = false;
    }
  }
  return cliPresent;
}

let scriptPresent: boolean | undefined;
function isScriptAvailable(): boolean {
  if (scriptPresent === undefined) {
    try {
      execFileSync('script', ['--version'], { stdio: 'pipe' });
      scriptPresent = true;
    } catch {
      scriptPresent = false;
    }
  }
  return scriptPresent;
}

/** The CLI when present (or as CONFIDANT_TEST_AGE says), else the JS implementation. */
export function defaultAgeCheckerKind(env: NodeJS.ProcessEnv = process.env): AgeCheckerKind {
  const forced = env.CONFIDANT_TEST_AGE;
  if (forced === 'js' || forced === 'cli') return forced;
  if (forced !== undefined && forced !== '') throw new Error('CONFIDANT_TEST_AGE must be js or cli');
  return isAgeCliAvailable() ? 'cli' : 'js';
}

export function ageChecker(kind: AgeCheckerKind = defaultAgeCheckerKind()): AgeChecker {
  return kind === 'cli' ? cliChecker : jsChecker;
}

const jsChecker: AgeChecker = {
  kind: 'js',
  async generateIdentity() {
    const secretKey = await generateIdentity();
    return { secretKey, recipient: await identityToRecipient(secretKey) };
  },
  async decrypt(file, identity) {
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity.secretKey);
    return Buffer.from(await decrypter.decrypt(file));
  },
  async decryptWithPassphrase(file, passphrase) {
    const decrypter = new Decrypter();
    decrypter.addPassphrase(passphrase);
    return Buffer.from(await decrypter.decrypt(file));
  },
};

/** Runs `fn` with a private folder that is removed afterwards (identity files are secrets). */
function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'confidant-age-check-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cliChecker: AgeChecker = {
  kind: 'cli',
  async generateIdentity() {
    return withTempDir((dir) => {
      const file = join(dir, 'identity.key');
      execFileSync('age-keygen', ['-o', file], { stdio: 'pipe' });
      const text = readFileSync(file, 'utf8');
      return { recipient: /public key: (age1[0-9a-z]+)/.exec(text)![1]!, secretKey: /^(AGE-SECRET-KEY-1[0-9A-Z]+)$/m.exec(text)![1]! };
    });
  },
  async decrypt(file, identity) {
    return withTempDir((dir) => {
      const identityFile = join(dir, 'identity.key');
      const input = join(dir, `${randomBytes(4).toString('hex')}.age`);
      writeFileSync(identityFile, `${identity.secretKey}\n`, { mode: 0o600 });
      writeFileSync(input, file);
      return execFileSync('age', ['-d', '-i', identityFile, input], { maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
    });
  },
  async decryptWithPassphrase(file, passphrase) {
    if (!isScriptAvailable()) return jsChecker.decryptWithPassphrase(file, passphrase);
    return withTempDir((dir) => {
      const input = join(dir, 'in.age');
      const output = join(dir, 'out');
      writeFileSync(input, file);
      // age reads a passphrase only from a terminal: util-linux `script` gives it one, fed from stdin.
      execFileSync('script', ['-qec', `age -d -o '${output}' '${input}'`, '/dev/null'], { input: `${passphrase}\n`, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
      return readFileSync(output);
    });
  },
};
