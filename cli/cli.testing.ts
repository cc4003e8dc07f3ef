/** What the CLI tests share: an Io that records what a command prints, and one run of the CLI. */
import type { Io } from './context.js';
import { main } from './main.js';

export interface CapturedIo extends Io {
  lines: string[];
  errors: string[];
}

/** An Io recording stdout lines and stderr lines; standard input reads `stdin`. */
export function captureIo(stdin = ''): CapturedIo {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), readStdin: async () => stdin };
}

/** Runs `confidant …args` in this process (configuration from process.env) and returns its exit code and output. */
export async function runCli(...args: string[]): Promise<{ code: number } & CapturedIo> {
  const io = captureIo();
  const code = await main(['node', 'confidant', ...args], io, {});
  return { code, ...io };
}
