/**
 * Leak scan across modules on the real built server: a canary string goes into every client-data
 * field (client name, email, phone, address, identifiers; matter title, practice area,
 * (not practice area / jurisdiction, plaintext by design — docs/vault.md); note title and body; record label and location; document name and content) and
 * into rejected inputs, then every place bytes land is searched — database (files on SQLite, every
 * row on PostgreSQL), blob store, server logs at debug level, audit events, error responses, the
 * server's temp folder. Zero hits allowed. (vault.routes.test.ts has the in-process no-plaintext
 * check for the database and blobs; this one adds logs, audit, errors, temp and every field.)
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS } from '../../server/test-support/dialects.js';
import { filesContaining } from './support/crash.js';
import { assertBuilt, cliAsync, cliAttorney, instanceEnv, startProcess } from './support/process.js';

describe.each(DIALECTS)('leak scan on %s', (dialect) => {
  it('finds no client data in the database, blobs, logs, audit events, error responses or temp files', async () => {
    assertBuilt();
    const database = await createTestDatabase(dialect);
    const env = instanceEnv(database.dataDir, database.url, { LOG_LEVEL: 'debug' });
    const server = await startProcess(env);
    try {
      const canary = (field: string) => `LEAK${field}${randomBytes(4).toString('hex')}`;
      const canaries: string[] = [];
      const c = (field: string) => {
        const value = canary(field);
        canaries.push(value);
        return value;
      };
      const alice = await cliAttorney(env, 'alice@leak.example', 'Alice Leak');
      const auth = { authorization: `Bearer ${alice.token}` };
      const responses: string[] = [];
      const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
        const response = await fetch(`${server.url}/api/v1${path}`, { method, headers: { ...auth, ...(typeof body === 'string' ? {} : { 'content-type': 'application/json' }), ...headers }, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
        const text = await response.text();
        if (response.status >= 400) responses.push(text);
        return { status: response.status, json: () => JSON.parse(text) as { id: string } };
      };
      const emailUser = c('email').toLowerCase();
      const client = await send('POST', '/clients', { kind: 'organisation', name: c('clientname'), email: `${emailUser}@client.example`, phone: c('phone'), address: c('address'), identifiers: [{ type: 'company-number', value: c('identifier') }] });
      expect(client.status).toBe(201);
      // Practice area, jurisdiction and matter number are stored in the clear by design (docs/vault.md:
      // filtering and reports); they carry no canary.
      const matter = await send('POST', '/matters', { clientId: client.json().id, title: c('title'), practiceArea: 'litigation', jurisdiction: 'GB' });
      expect(matter.status).toBe(201);
      const matterId = matter.json().id;
      expect((await send('POST', `/matters/${matterId}/notes`, { title: c('notetitle'), body: c('notebody') })).status).toBe(201);
      expect((await send('POST', `/matters/${matterId}/records`, { label: c('label'), location: c('location') })).status).toBe(201);
      const upload = await send('POST', `/matters/${matterId}/documents`, `${c('content')} document body`, { 'content-type': 'application/octet-stream', 'x-document-name': Buffer.from(`${c('docname')}.txt`).toString('base64url') });
      expect(upload.status).toBe(201);
      // Searches and rejected inputs carrying client data: the errors must not echo it.
      await send('POST', '/clients/search', { name: canaries[0] });
      await send('POST', '/clients', { kind: 'organisation', name: `${c('rejected')}${'x'.repeat(400)}` });
      await send('POST', '/clients', { kind: c('badkind'), name: 'x' });
      await send('PATCH', `/matters/${matterId}`, { title: c('badtype'), status: c('badstatus') });
      await send('GET', `/clients?after=${c('cursor')}`);
      await send('POST', `/matters/${matterId}/notes`, `{"title":"${c('truncated')}`);
      await send('POST', '/auth/sign-in', { email: `${c('signin').toLowerCase()}@x.example`, password: c('password') });
      const downloaded = await fetch(`${server.url}/api/v1/documents/${upload.json().id}/content`, { headers: auth });
      expect(await downloaded.text()).toContain('document body');

      await server.kill('SIGTERM');
      const logs = server.output();
      const verify = await cliAsync(env, ['audit', 'export']);
      expect(verify.status, verify.stderr).toBe(0);

      const hits: string[] = [];
      const scan = (place: string, text: string) => {
        for (const value of canaries) if (text.toLowerCase().includes(value.toLowerCase())) hits.push(`${place}: ${value}`);
      };
      scan('server log', logs);
      scan('audit export', verify.stdout + Buffer.from(verify.stdout).toString('latin1'));
      // Exported leaves are base64: decode every base64-looking run too.
      for (const run of verify.stdout.match(/[A-Za-z0-9+/=]{40,}/g) ?? []) scan('audit export (decoded)', Buffer.from(run, 'base64').toString('latin1'));
      for (const body of responses) scan('error response', body);
      // Files: database (SQLite), blobs, keys, temp, outbox — everything under the data folder.
      hits.push(...filesContaining(database.dataDir, canaries).map((h) => `file ${h}`));
      hits.push(...filesContaining(join(database.dataDir, 'tmp'), canaries).map((h) => `temp ${h}`));
      if (dialect === 'postgres') {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        try {
          const tables = (await client.query<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public'")).rows;
          for (const { tablename } of tables) {
            const rows = await client.query(`select * from "${tablename}"`);
            const text = JSON.stringify(rows.rows, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('latin1') : v));
            scan(`postgres table ${tablename}`, text);
          }
        } finally {
          await client.end();
        }
      }
      expect(hits).toEqual([]);
      // The scan can find things: the log does carry the canary-free request lines we expect.
      expect(logs.length).toBeGreaterThan(0);
    } finally {
      await server.kill('SIGKILL');
      await database.drop();
    }
  }, 180_000);
});
