import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { DIALECTS } from '../../test-support/dialects.js';
import type { ManualClock } from '../../platform/clock.js';
import { buildSession, buildUser, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { ageChecker } from '../../test-support/age-check.js';

const work = mkdtempSync(join(tmpdir(), 'confidant-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
// The `age` CLI when it is on PATH, else the age-encryption implementation (server/test-support/age-check.ts).
const age = ageChecker();
const identity = await age.generateIdentity();
const recipient = identity.recipient;

/** Decrypts with age and unpacks with `tar`, as the recipient would. */
async function openArchive(file: string): Promise<string> {
  const out = join(work, `open-${randomBytes(4).toString('hex')}`);
  mkdirSync(out);
  const tar = await age.decrypt(readFileSync(file), identity);
  writeFileSync(join(out, 'archive.tar'), tar);
  execFileSync('tar', ['-xf', 'archive.tar'], { cwd: out });
  return out;
}

describe.each(DIALECTS)('client export on %s', (dialect) => {
  let instance: TestInstance;
  let alice: BuiltUser;
  let clientId: string;
  let documentId: string;
  const content = randomBytes(150_000);

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    alice = await buildUser(instance, { role: 'attorney' });
    const call = (url: string, payload: unknown) => instance.app.inject({ method: 'POST', url, headers: alice.headers, payload: payload as string });
    clientId = (await call('/api/v1/clients', { kind: 'person', name: 'Export Client', email: 'e@example.org' })).json().id;
    const matterId = (await call('/api/v1/matters', { clientId, title: 'Export matter' })).json().id;
    await call(`/api/v1/matters/${matterId}/notes`, { title: 'A note', body: 'note body' });
    documentId = (
      await instance.app.inject({ method: 'POST', url: `/api/v1/matters/${matterId}/documents`, headers: { ...alice.headers, 'content-type': 'application/octet-stream', 'x-document-name': Buffer.from('Contract ü.bin').toString('base64url') }, payload: content })
    ).json().id;
  });
  afterAll(async () => instance?.close());

  it('exports an age archive that `age -d` and `tar` open, and audits it', async () => {
    // Step-up: an interactive session with a fresh second factor (an API token never qualifies).
    const session = await buildSession(instance, alice);
    const response = await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers: session.headers, payload: { recipients: [recipient] } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.rawPayload.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    const file = join(work, `${dialect}.tar.age`);
    writeFileSync(file, response.rawPayload);
    const out = await openArchive(file);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.client).toMatchObject({ id: clientId, name: 'Export Client', email: 'e@example.org' });
    expect(manifest.matters).toHaveLength(1);
    expect(manifest.notes[0]).toMatchObject({ title: 'A note', body: 'note body' });
    expect(manifest.documents[0]).toMatchObject({ id: documentId, name: 'Contract ü.bin', size: content.length });
    expect(readFileSync(join(out, manifest.documents[0].path)).equals(content)).toBe(true);
    const events = await instance.services.database.db.selectFrom('audit_event').select(['action', 'outcome']).where('action', '=', 'client.export').where('client_id', '=', clientId).execute();
    expect(events.filter((e) => e.outcome === 'allowed').length).toBeGreaterThanOrEqual(2); // the access decision and the export
  });

  it('refuses others (404), anonymous callers (401), a stale session (step-up) and bad recipients (400 naming the field)', async () => {
    const bob = await buildUser(instance, { role: 'attorney' });
    expect((await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers: bob.headers, payload: { recipients: [recipient] } })).statusCode).toBe(404);
    expect((await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, payload: { recipients: [recipient] } })).statusCode).toBe(401);
    const fresh = await buildSession(instance, alice);
    const bad = await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers: fresh.headers, payload: { recipients: ['ssh-rsa AAAA'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toContain('recipients');
    // Step-up: a browser session whose second factor is older than 10 minutes must confirm again.
    const session = await buildSession(instance, alice);
    (instance.clock as ManualClock).advance(11 * 60_000);
    const stale = await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers: session.headers, payload: { recipients: [recipient] } });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().error.code).toBe('STEP_UP_REQUIRED');
    const corrupt = await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${clientId}/export`, headers: (await buildSession(instance, alice)).headers, payload: { recipients: [`${recipient.slice(0, -1)}${recipient.endsWith('q') ? 'p' : 'q'}`] } });
    expect(corrupt.statusCode).toBe(400);
  });

  it.runIf(dialect === 'sqlite')('the CLI writes the same archive: confidant export client <id> --recipient … --output …', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { CONFIDANT_DATA_DIR: instance.config.dataDir, DATABASE_URL: instance.config.database.url, LOG_LEVEL: 'silent' });
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), readStdin: async () => '' };
    try {
      const output = join(work, 'cli.tar.age');
      expect(await main(['node', 'confidant', 'export', 'client', clientId, '--recipient', recipient, '--output', output], io), lines.join('\n')).toBe(0);
      const out = await openArchive(output);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      expect(readFileSync(join(out, manifest.documents[0].path)).equals(content)).toBe(true);
      expect(await main(['node', 'confidant', 'export', 'client', clientId, '--recipient', 'nope', '--output', join(work, 'bad.age')], io)).toBe(2);
      expect(await main(['node', 'confidant', 'keys', 'rotate-client', clientId], io), lines.join('\n')).toBe(0);
      expect(await main(['node', 'confidant', 'keys', 'reencrypt-client', clientId], io), lines.join('\n')).toBe(0);
      expect(lines.join('\n')).toContain('Re-encrypted 1 document version(s) under key version 2');
      expect(await main(['node', 'confidant', 'keys', 'status'], io)).toBe(0);
      expect(lines.join('\n')).toMatch(/provider file, master key version 1/);
    } finally {
      process.env = saved;
    }
  });
});
