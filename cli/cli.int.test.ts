/**
 * The `confidant` command line, run in-process exactly as bin/confidant.js runs it (same `main`,
 * same settings from the environment), on each database.
 */
import { chmodSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../server/test-support/dialects.js';
import type { Io } from './context.js';
import { main } from './main.js';

interface Result {
  code: number;
  out: string;
  err: string;
}

async function confidant(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: async () => '' };
  const saved = { ...process.env };
  Object.assign(process.env, { LOG_LEVEL: 'silent' }, env);
  try {
    const code = await main(['node', 'confidant', ...args], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

const COMMANDS = ['init', 'migrate', 'serve', 'start', 'doctor'];

describe('confidant --help', () => {
  it('lists every command', async () => {
    const { code, out } = await confidant(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: confidant');
    for (const command of COMMANDS) expect(out).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it.each(COMMANDS)('%s --help describes the command and exits 0', async (command) => {
    const { code, out } = await confidant([command, '--help']);
    expect(code).toBe(0);
    expect(out).toContain(`Usage: confidant ${command}`);
    expect(out.split('\n')[2]?.length ?? 0).toBeGreaterThan(10);
  });

  it('exits 2 on an unknown command', async () => {
    const { code, err } = await confidant(['frobnicate']);
    expect(code).toBe(2);
    expect(err).toContain("unknown command 'frobnicate'");
  });
});

describe.each(DIALECTS)('confidant on %s', (dialect) => {
  let database: TestDatabase | null = null;
  afterEach(async () => {
    await database?.drop();
    database = null;
  });
  async function fresh(): Promise<Record<string, string>> {
    database = await createTestDatabase(dialect);
    return { CONFIDANT_DATA_DIR: join(database.dataDir, 'data'), DATABASE_URL: database.url };
  }

  it('init creates the instance once; a second init changes nothing', async () => {
    const env = await fresh();
    const first = await confidant(['init'], env);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/Applied \d+ migration\(s\)\./);
    expect(first.out).toContain('Initialized a new Confidant instance');
    const masterKey = join(env.CONFIDANT_DATA_DIR!, 'keys', 'master.key');
    const before = statSync(masterKey);
    expect(before.mode & 0o777).toBe(0o600);
    expect(statSync(env.CONFIDANT_DATA_DIR!).mode & 0o777).toBe(0o700);
    if (dialect === 'sqlite') expect(statSync(database!.url.slice('sqlite:'.length)).mode & 0o777).toBe(0o600);

    const second = await confidant(['init'], env);
    expect(second.code).toBe(0);
    expect(second.out).toBe('This instance is already initialized; nothing to do.');
    expect(statSync(masterKey).mtimeMs).toBe(before.mtimeMs);

    const doctor = await confidant(['doctor'], env);
    expect(doctor.code).toBe(0);
    expect(doctor.out).toContain('All checks passed.');
    expect(doctor.out).not.toContain('FAIL');
  });

  it('serve refuses pending migrations; migrate applies them; migrate again has nothing to do', async () => {
    const env = await fresh();
    const serve = await confidant(['serve'], { ...env, PORT: '0' });
    expect(serve.code).toBe(1);
    expect(serve.err).toMatch(/pending/i);
    expect(serve.out).not.toContain('running at');

    const doctorBefore = await confidant(['doctor'], env);
    expect(doctorBefore.code).toBe(1);
    expect(doctorBefore.out).toMatch(/FAIL {2}migrations — \d+ pending: run `confidant migrate`/);

    const migrate = await confidant(['migrate'], env);
    expect(migrate.code).toBe(0);
    expect(migrate.out).toMatch(/^Applied: /);
    const again = await confidant(['migrate'], env);
    expect(again.out).toBe('Database is up to date.');
  });

  it('doctor reports a data folder, key file or key folder others can read, and exits 1', async () => {
    const env = await fresh();
    expect((await confidant(['init'], env)).code).toBe(0);
    const dataDir = env.CONFIDANT_DATA_DIR!;
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'keys', 'master.key'), 0o644);
    if (dialect === 'sqlite') chmodSync(database!.url.slice('sqlite:'.length), 0o644);
    const { code, out, err } = await confidant(['doctor'], env);
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL {2}data folder permissions — .* is mode 755; run chmod 700/);
    expect(out).toMatch(/FAIL {2}master key file permissions — .* is mode 644; run chmod 600/);
    expect(out).toMatch(/FAIL {2}key folder permissions — readable by others: .*master\.key/);
    if (dialect === 'sqlite') expect(out).toMatch(/FAIL {2}database file permissions — readable by others: .*confidant\.db/);
    expect(err).toContain('problem(s) found');
    if (dialect === 'sqlite') chmodSync(database!.url.slice('sqlite:'.length), 0o600);
    chmodSync(dataDir, 0o700);
    chmodSync(join(dataDir, 'keys', 'master.key'), 0o600);
    expect((await confidant(['doctor'], env)).code).toBe(0);
  });
});

describe('confidant with a bad configuration', () => {
  it('doctor lists every problem and exits 2', async () => {
    const { code, out } = await confidant(['doctor'], { CONFIDANT_DATA_DIR: '/tmp/confidant-never-created', PORT: 'eighty', MASTER_KEY_PROVIDER: 'env' });
    expect(code).toBe(2);
    expect(out).toContain('FAIL  configuration');
    expect(out).toContain('PORT must be a whole number');
    expect(out).toContain('MASTER_KEY is required when MASTER_KEY_PROVIDER=env');
  });

  it('init refuses to run (exit 2) and names the setting', async () => {
    const { code, err } = await confidant(['init'], { CONFIDANT_DATA_DIR: '/tmp/confidant-never-created', DATABASE_URL: 'mysql://x' });
    expect(code).toBe(2);
    expect(err).toContain('DATABASE_URL must start with sqlite: or postgres://');
  });

  it('doctor reports a data folder that does not exist yet', async () => {
    const { code, out } = await confidant(['doctor'], { CONFIDANT_DATA_DIR: `/tmp/confidant-missing-${process.pid}`, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL {2}data folder permissions — .* does not exist: run `confidant init`/);
    expect(existsSync(`/tmp/confidant-missing-${process.pid}`)).toBe(false);
  });
});
