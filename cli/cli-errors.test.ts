/**
 * A failing `confidant` command says so in one line, `error CODE: message`, with a non-zero exit
 * and no stack trace (unless CONFIDANT_DEBUG=1), whatever threw: a command's own refusal, bad
 * configuration, a service's AppError, or a Node system error such as EEXIST.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../server/platform/errors.js';
import { CliError, type Io } from './context.js';
import { describeFailure, main } from './main.js';

const work = mkdtempSync(join(tmpdir(), 'confidant-cli-errors-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function confidant(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: async () => '' };
  const saved = { ...process.env };
  Object.assign(process.env, { LOG_LEVEL: 'silent' }, env);
  try {
    const code = await main(['node', 'confidant', ...args], io, process.env);
    return { code, out, err };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

const ONE_LINE = /^error [A-Z][A-Z0-9_]+: [^\n]+$/;

describe('CLI failures', () => {
  it('bad configuration: one line naming every problem, exit 2', async () => {
    const { code, err } = await confidant(['init'], { CONFIDANT_DATA_DIR: join(work, 'never'), DATABASE_URL: 'mysql://x', PORT: 'eighty' });
    expect(code).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(ONE_LINE);
    expect(err[0]).toMatch(/^error CONFIG_INVALID: invalid configuration: .*DATABASE_URL must start with sqlite: or postgres:\/\/.*; .*PORT/);
  });

  it('a Node system error (the data folder path runs through a file): its code, its message, no stack', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'not a folder');
    const { code, err } = await confidant(['init'], { CONFIDANT_DATA_DIR: join(file, 'data') });
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^error (ENOTDIR|EEXIST): /);
    expect(err[0]).not.toMatch(/^error (\w+): \1:/);
    expect(err.join('\n')).not.toContain('    at ');
  });

  it('CONFIDANT_DEBUG=1 adds the stack after the one line', async () => {
    const file = join(work, 'another-file');
    writeFileSync(file, 'not a folder');
    const { code, err } = await confidant(['init'], { CONFIDANT_DATA_DIR: join(file, 'data'), CONFIDANT_DEBUG: '1' });
    expect(code).toBe(1);
    expect(err[0]).toMatch(ONE_LINE);
    expect(err.slice(1).join('\n')).toContain('    at ');
  });

  it('a usage mistake is commander\'s own line and exit 2, not a stack', async () => {
    const { code, err } = await confidant(['export', 'client']);
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/missing required argument|error:/i);
    expect(err.join('\n')).not.toContain('    at ');
  });

  it('formats every kind of failure the same way', () => {
    expect(describeFailure(new CliError('OUTPUT_EXISTS: /tmp/x.age already exists; choose another --output or add --force.', 1))).toEqual({
      line: 'error OUTPUT_EXISTS: /tmp/x.age already exists; choose another --output or add --force.',
      exitCode: 1,
    });
    expect(describeFailure(new CliError('--from must be a whole number', 2))).toEqual({ line: 'error USAGE: --from must be a whole number', exitCode: 2 });
    expect(describeFailure(new AppError('CLIENT_NOT_FOUND', 'No such client'))).toEqual({ line: 'error CLIENT_NOT_FOUND: No such client', exitCode: 1 });
    expect(describeFailure(new AppError('VALIDATION_FAILED', 'Invalid body:\n name must be string'))).toEqual({ line: 'error VALIDATION_FAILED: Invalid body: name must be string', exitCode: 2 });
    const exists = Object.assign(new Error("EEXIST: file already exists, open '/tmp/out.tar.age'"), { code: 'EEXIST' });
    expect(describeFailure(exists)).toEqual({ line: "error EEXIST: file already exists, open '/tmp/out.tar.age'", exitCode: 1 });
    expect(describeFailure(new TypeError('boom'))).toEqual({ line: 'error INTERNAL_ERROR: boom', exitCode: 1 });
  });
});

describe('cliConfig', () => {
  it('gives links the address people open: localhost for a loopback bind, PUBLIC_URL when set', async () => {
    const { cliConfig } = await import('./context.js');
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { CONFIDANT_DATA_DIR: work, HOST: '127.0.0.1', PORT: '3000' });
      delete process.env.PUBLIC_URL;
      expect(cliConfig().publicUrl).toBe('http://localhost:3000');
      process.env.PUBLIC_URL = 'https://confidant.firm.example';
      expect(cliConfig().publicUrl).toBe('https://confidant.firm.example');
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
