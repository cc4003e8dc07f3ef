/**
 * The real, built server as a child process we can SIGKILL, plus the `confidant` CLI — for the
 * crash, fault and leak tests. Like test/e2e/support/server.ts, but exposing the process so a
 * test can kill it mid-write, and a private TMPDIR so temp files can be inspected afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../e2e/support/server.js';

export { REPO_ROOT };

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export function assertBuilt(): void {
  if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
}

/**
 * Environment for one instance: its data folder, database, a private temp folder, quiet logs.
 * These tests drive one account as a machine would (hundreds of downloads, bursts of refused
 * requests): the monitor, which runs every second, would rightly contain it and end its token
 * mid-test. So the containing rules only alert here; the rules themselves are tested in
 * server/audit/monitor.int.test.ts.
 */
export function instanceEnv(dataDir: string, databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  const tmp = join(dataDir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const configFile = join(dataDir, 'confidant.json');
  if (!existsSync(configFile)) writeFileSync(configFile, JSON.stringify({ alertRules: { bulk_download: { contain: false }, repeated_denials: { contain: false }, after_leaving: { contain: false } } }));
  return { PATH: process.env.PATH ?? '', HOME: dataDir, TMPDIR: tmp, LOG_LEVEL: 'warn', CONFIDANT_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, RATE_LIMIT_PER_MINUTE: '1000000', ...extra };
}

export async function startProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'confidant.js'), 'start'], { cwd: REPO_ROOT, env: { ...env, HOST: '127.0.0.1', PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), timeoutMs);
      const check = () => {
        const match = /Confidant is running at (\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1].replace(/\/+$/, ''));
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${output}`));
      });
    });
    return { url, child, output: () => output, kill };
  } catch (error) {
    await kill('SIGKILL');
    throw error;
  }
}

/** Runs `confidant <args>` without blocking this process (an in-process proxy must keep serving). */
export function cliAsync(env: Record<string, string>, args: string[], stdin?: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'confidant.js'), ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** Runs `confidant <args>`; returns exit code and output. */
export function cli(env: Record<string, string>, args: string[], stdin?: string): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'confidant.js'), ...args], { cwd: REPO_ROOT, env, input: stdin ?? '', encoding: 'utf8', timeout: 120_000 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Creates an attorney through the CLI and returns an MFA-complete API token for them. */
export async function cliAttorney(env: Record<string, string>, email: string, name: string): Promise<{ id: string; token: string }> {
  const created = await cliAsync(env, ['user', 'create', '--email', email, '--name', name, '--role', 'attorney', '--password-stdin', '--json'], 'a long and unusual passphrase 93\n');
  if (created.status !== 0) throw new Error(`user create failed: ${created.stderr}${created.stdout}`);
  const token = await cliAsync(env, ['token', 'create', '--email', email, '--expires-in', '7d', '--json']);
  if (token.status !== 0) throw new Error(`token create failed: ${token.stderr}`);
  return { id: (JSON.parse(created.stdout.trim().split('\n').at(-1)!) as { id: string }).id, token: (JSON.parse(token.stdout.trim().split('\n').at(-1)!) as { token: string }).token };
}
