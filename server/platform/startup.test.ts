import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from '../config.js';
import { describeStorage, personUrl, serverLogger, startupLines, VERIFIER_KEY_PURPOSE } from './startup.js';

const work = mkdtempSync(join(tmpdir(), 'confidant-startup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the address people are told to open', () => {
  it('shows a loopback bind as localhost, with the real port when PORT=0, and says why', () => {
    const shown = personUrl({ host: '127.0.0.1', port: 0, publicUrl: 'http://127.0.0.1:0' }, 'http://127.0.0.1:41234');
    expect(shown.url).toBe('http://localhost:41234');
    expect(shown.note).toMatch(/127\.0\.0\.1 \(this machine only\).*passkeys \(WebAuthn\)/);
    expect(personUrl({ host: '127.0.0.1', port: 8080, publicUrl: 'http://127.0.0.1:8080' }, 'http://127.0.0.1:8080').url).toBe('http://localhost:8080');
  });

  it('says what to set when bound to every interface, and warns about a bare IP address', () => {
    const any = personUrl({ host: '0.0.0.0', port: 8080, publicUrl: 'http://0.0.0.0:8080' }, 'http://0.0.0.0:8080');
    expect(any.url).toBe('http://localhost:8080');
    expect(any.note).toContain('set PUBLIC_URL');
    const ip = personUrl({ host: '0.0.0.0', port: 8080, publicUrl: 'http://192.168.1.20:8080' }, 'http://0.0.0.0:8080');
    expect(ip.url).toBe('http://192.168.1.20:8080');
    expect(ip.note).toMatch(/bare IP address.*passkeys \(WebAuthn\) do not work/);
  });

  it('keeps a domain name as configured, with nothing to add', () => {
    expect(personUrl({ host: '0.0.0.0', port: 443, publicUrl: 'https://confidant.firm.example' }, 'https://0.0.0.0:443')).toEqual({ url: 'https://confidant.firm.example', note: null });
  });
});

describe('the start-up block', () => {
  const config = testConfig(join(work, 'data'));

  it('prints each fact once: URL, setup link, data, master key, verifier key with its purpose, log', () => {
    const lines = startupLines({
      config,
      url: { url: 'http://localhost:8080', note: 'Listening on 127.0.0.1 (this machine only)' },
      moduleNotes: ['Audit log verifier key: localhost:8080/confidant-audit+abcd+KEY', 'Create the first administrator (one-time link): http://localhost:8080/setup#token'],
      logFile: '/data/logs/confidant.log',
    });
    expect(lines[0]).toBe('Confidant is running at http://localhost:8080');
    const once = (pattern: RegExp) => expect(lines.filter((line) => pattern.test(line)), String(pattern)).toHaveLength(1);
    once(/^Create the first administrator/);
    once(/^Data: .*database: SQLite .*confidant\.db/);
    once(/^Master key: .*master\.key — back it up/);
    once(/^Audit log verifier key: /);
    once(/^Log \(JSON lines\): \/data\/logs\/confidant\.log$/);
    // The purpose follows the key; the setup link comes before the storage lines.
    expect(lines[lines.findIndex((line) => line.startsWith('Audit log verifier key:')) + 1]).toBe(VERIFIER_KEY_PURPOSE);
    expect(lines.findIndex((line) => line.startsWith('Create the first'))).toBeLessThan(lines.findIndex((line) => line.startsWith('Data:')));
  });

  it('never prints database credentials', () => {
    const line = describeStorage({ ...config, database: { kind: 'postgres', url: 'postgres://confidant:s3cret-pw@db.internal:5432/confidant', sqlitePath: '' }, blobStoreUrl: 's3://bucket?endpoint=https://minio:9000' });
    expect(line).toContain('PostgreSQL db.internal:5432/confidant');
    expect(line).not.toContain('s3cret');
    expect(line).not.toContain('confidant:');
  });

  it('logs to an owner-only file when a person watches the terminal, to stdout otherwise', () => {
    const watched = serverLogger({ dataDir: join(work, 'tty'), logLevel: 'info' }, true);
    expect(watched.logFile).toBe(join(work, 'tty', 'logs', 'confidant.log'));
    watched.logger.info({ probe: 1 }, 'hello log file');
    expect(statSync(watched.logFile!).mode & 0o777).toBe(0o600);
    expect(readFileSync(watched.logFile!, 'utf8')).toContain('hello log file');
    expect(serverLogger({ dataDir: join(work, 'service'), logLevel: 'info' }, false).logFile).toBeNull();
  });
});
