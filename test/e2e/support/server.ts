/**
 * Starts the real, built Confidant (`node bin/confidant.js start`) as a child process on a free
 * port with its own temporary data folder, exactly as an operator would run it. Specs reuse it.
 * The built code in dist/ is what runs: `npm ci` / `npm install` builds it (the `prepare`
 * script); after changing server or web code run `npm run build` before `npm run test:e2e`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export interface StartServerOptions {
  /** Extra environment (e.g. DATABASE_URL); CONFIDANT_DATA_DIR, PORT and HOST are set for you. */
  env?: Record<string, string>;
  /** Reuse a data folder (e.g. to restart an instance); a fresh temporary one by default. */
  dataDir?: string;
  /** How long to wait for the "running at" line (default 60 s). */
  timeoutMs?: number;
}

export interface RunningServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234. */
  url: string;
  dataDir: string;
  /** The extra environment it was started with (a CLI run against it needs the same DATABASE_URL). */
  env: Record<string, string>;
  /** Everything the process printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and removes a temporary data folder. */
  stop(): Promise<void>;
}

const RUNNING = /Confidant is running at (\S+)/;

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const entry = join(REPO_ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(entry)) throw new Error('dist/ is missing: run `npm run build` before the browser tests');
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'confidant-e2e-'));
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'confidant.js'), 'start'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      LOG_LEVEL: 'warn',
      ...options.env,
      CONFIDANT_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);

  const stop = async () => {
    await stopChild(child);
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start within ${options.timeoutMs ?? 60_000} ms:\n${output}`)), options.timeoutMs ?? 60_000);
      const check = () => {
        const match = RUNNING.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolveUrl(match[1].replace(/\/+$/, ''));
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with code ${code} before starting:\n${output}`));
      });
    });
    return { url, dataDir, env: { ...options.env }, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
