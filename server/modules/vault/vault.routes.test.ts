import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildSession, buildUser, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { buildApp } from '../../app.js';
import { sweepOrphanBlobs } from './index.js';
import type { ManualClock } from '../../platform/clock.js';
import { HEADER_SIZE } from '../../platform/crypto/chunked-aead.js';
import { createLogger } from '../../platform/logging/logger.js';
import { closeServices, createServices } from '../../platform/services.js';

const randomUuidLike = () => `0190${randomBytes(2).toString('hex')}-0000-7000-8000-${randomBytes(6).toString('hex')}`;

const b64 = (name: string) => Buffer.from(name, 'utf8').toString('base64url');
// A minimal PDF head: enough for content-type detection from bytes.
const pdf = (body: Buffer) => Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), body]);

describe.each(DIALECTS)('vault API on %s', (dialect) => {
  let instance: TestInstance;
  let alice: BuiltUser;
  let bob: BuiltUser;
  let admin: BuiltUser;

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, user?: BuiltUser, payload?: unknown, headers: Record<string, string> = {}) =>
    instance.app.inject({ method, url, headers: { ...(user?.headers ?? {}), ...headers }, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const upload = (matterId: string, user: BuiltUser, content: Buffer, name: string, query = '') =>
    instance.app.inject({ method: 'POST', url: `/api/v1/matters/${matterId}/documents${query}`, headers: { ...user.headers, 'content-type': 'application/octet-stream', 'x-document-name': b64(name) }, payload: content });

  async function auditRows(where: { action?: string; outcome?: string; documentId?: string }): Promise<{ action: string; outcome: string; reason: string | null }[]> {
    let query = instance.services.database.db.selectFrom('audit_event').select(['action', 'outcome', 'reason']);
    if (where.action) query = query.where('action', '=', where.action);
    if (where.outcome) query = query.where('outcome', '=', where.outcome);
    if (where.documentId) query = query.where('document_id', '=', where.documentId);
    return query.execute();
  }

  async function setup(user: BuiltUser, name = 'Acme Holdings Ltd') {
    const client = await call('POST', '/api/v1/clients', user, { kind: 'organisation', name, email: 'legal@acme.example', identifiers: [{ type: 'company-number', value: '01234567' }] });
    expect(client.statusCode, client.body).toBe(201);
    const matter = await call('POST', '/api/v1/matters', user, { clientId: client.json().id, title: 'Acme v. Globex', practiceArea: 'litigation', jurisdiction: 'GB' });
    expect(matter.statusCode, matter.body).toBe(201);
    return { clientId: client.json().id as string, matterId: matter.json().id as string };
  }

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    alice = await buildUser(instance, { role: 'attorney' });
    bob = await buildUser(instance, { role: 'attorney' });
    admin = await buildUser(instance, { role: 'firm_admin' });
  });
  afterAll(async () => instance?.close());

  it('creates, reads, lists and updates clients and matters; the creator leads the matter', async () => {
    const { clientId, matterId } = await setup(alice);
    const client = await call('GET', `/api/v1/clients/${clientId}`, alice);
    expect(client.json()).toMatchObject({ id: clientId, kind: 'organisation', name: 'Acme Holdings Ltd', email: 'legal@acme.example', identifiers: [{ type: 'company-number', value: '01234567' }] });
    const updated = await call('PATCH', `/api/v1/clients/${clientId}`, alice, { phone: '+44 20 7946 0000' });
    expect(updated.json()).toMatchObject({ name: 'Acme Holdings Ltd', phone: '+44 20 7946 0000', email: 'legal@acme.example' });
    const matter = await call('GET', `/api/v1/matters/${matterId}`, alice);
    expect(matter.json()).toMatchObject({ id: matterId, clientId, title: 'Acme v. Globex', leadUserId: alice.id, status: 'open' });
    const closed = await call('POST', `/api/v1/matters/${matterId}/close`, alice, { reason: 'Settled' });
    expect(closed.json().closedAt).toBeTypeOf('number');
    const clients = await call('GET', '/api/v1/clients', alice);
    expect(clients.json().items.map((c: { id: string }) => c.id)).toContain(clientId);
    const matters = await call('GET', `/api/v1/matters?clientId=${clientId}`, alice);
    expect(matters.json().items.map((m: { id: string }) => m.id)).toEqual([matterId]);
    const found = await call('POST', '/api/v1/clients/search', alice, { name: '  acme holdings LTD ' });
    expect(found.json().items.map((c: { id: string }) => c.id)).toContain(clientId);
    expect((await call('POST', '/api/v1/clients/search', alice, { name: 'Acme' })).json().items).toHaveLength(0);
  });

  it('paginates lists', async () => {
    const user = await buildUser(instance, { role: 'attorney' });
    for (let i = 0; i < 3; i++) await call('POST', '/api/v1/clients', user, { kind: 'person', name: `Person ${i}` });
    const first = await call('GET', '/api/v1/clients?limit=2', user);
    expect(first.json().items).toHaveLength(2);
    expect(first.json().nextCursor).toBeTypeOf('string');
    const second = await call('GET', `/api/v1/clients?limit=2&after=${first.json().nextCursor}`, user);
    expect(second.json().items).toHaveLength(1);
    expect(second.json().nextCursor).toBeNull();
  });

  it('denies from the attacker side: 401 unauthenticated, 400 naming the field, 404 for another lawyer, denial audited', async () => {
    const { clientId, matterId } = await setup(alice);
    const document = (await upload(matterId, alice, Buffer.from('secret'), 'memo.txt')).json();
    for (const [method, url] of [['GET', '/api/v1/clients'], ['GET', `/api/v1/clients/${clientId}`], ['GET', `/api/v1/matters/${matterId}`], ['GET', `/api/v1/documents/${document.id}/content`], ['POST', `/api/v1/matters/${matterId}/notes`]] as const) {
      const response = await call(method, url, undefined, method === 'POST' ? { title: 't', body: 'b' } : undefined);
      expect(response.statusCode, url).toBe(401);
    }
    const bad = await call('POST', '/api/v1/clients', alice, { kind: 'person' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    expect(bad.json().error.fields[0].path).toContain('name');
    const badMatter = await call('POST', '/api/v1/matters', alice, { clientId: 'not-an-id', title: 'x' });
    expect(badMatter.json().error.fields[0].path).toContain('clientId');
    const badName = await instance.app.inject({ method: 'POST', url: `/api/v1/matters/${matterId}/documents`, headers: { ...alice.headers, 'content-type': 'application/octet-stream' }, payload: Buffer.from('x') });
    expect(badName.statusCode).toBe(400);
    expect(badName.json().error.fields[0].path).toContain('x-document-name');

    const missing = await call('GET', `/api/v1/documents/0190aaaa-0000-7000-8000-000000000000`, bob);
    // A missing document inside a write transaction: same 404, denial recorded after the rollback.
    const missingPatch = await call('PATCH', `/api/v1/documents/0190aaaa-0000-7000-8000-000000000001`, alice, { classification: 'internal' });
    expect(missingPatch.statusCode).toBe(404);
    expect((await auditRows({ action: 'document.classify', outcome: 'denied', documentId: '0190aaaa-0000-7000-8000-000000000001' })).length).toBe(1);
    for (const url of [`/api/v1/clients/${clientId}`, `/api/v1/matters/${matterId}`, `/api/v1/documents/${document.id}`, `/api/v1/documents/${document.id}/content`, `/api/v1/matters/${matterId}/documents`]) {
      const response = await call('GET', url, bob);
      expect(response.statusCode, url).toBe(404);
      // Forbidden looks exactly like missing.
      expect(response.json().error.code).toBe(missing.json().error.code);
      expect(response.json().error.message).toBe(missing.json().error.message);
      expect(response.body).not.toContain('Acme');
    }
    expect((await upload(matterId, bob, Buffer.from('planted'), 'x.txt')).statusCode).toBe(404);
    expect((await call('PATCH', `/api/v1/documents/${document.id}`, bob, { classification: 'internal' })).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/clients', bob)).json().items.map((c: { id: string }) => c.id)).not.toContain(clientId);
    expect((await call('GET', '/api/v1/matters', bob)).json().items.map((m: { id: string }) => m.id)).not.toContain(matterId);
    const denials = await auditRows({ action: 'document.read', outcome: 'denied', documentId: document.id });
    expect(denials.length).toBeGreaterThanOrEqual(2);
    // The firm administrator runs the system but holds no client data.
    expect((await call('GET', `/api/v1/clients/${clientId}`, admin)).statusCode).toBe(404);
  });

  it('uploads, lists, downloads whole and by range, versions and reclassifies documents', async () => {
    const { matterId } = await setup(alice);
    const content = pdf(randomBytes(200_000));
    const created = await upload(matterId, alice, content, 'Letter to Globex — draft ✓.pdf', '?classification=privileged&privileged=true');
    expect(created.statusCode, created.body).toBe(201);
    const document = created.json();
    expect(document).toMatchObject({ name: 'Letter to Globex — draft ✓.pdf', contentType: 'application/pdf', size: content.length, classification: 'privileged', privileged: true, currentVersion: 1, legalHold: false });
    expect((await auditRows({ action: 'document.upload', documentId: document.id })).length).toBe(1);

    const list = await call('GET', `/api/v1/matters/${matterId}/documents`, alice);
    expect(list.json().items.map((d: { id: string }) => d.id)).toEqual([document.id]);

    const whole = await call('GET', `/api/v1/documents/${document.id}/content`, alice);
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload.equals(content)).toBe(true);
    expect(whole.headers['content-type']).toBe('application/pdf');
    expect(whole.headers['content-disposition']).toContain("filename*=UTF-8''Letter%20to%20Globex");
    expect(whole.headers['accept-ranges']).toBe('bytes');

    for (const [header, start, end] of [['bytes=0-99', 0, 99], ['bytes=65530-131080', 65530, 131080], ['bytes=-500', content.length - 500, content.length - 1], ['bytes=199000-', 199000, content.length - 1]] as const) {
      const part = await call('GET', `/api/v1/documents/${document.id}/content`, alice, undefined, { range: header });
      expect(part.statusCode, header).toBe(206);
      expect(part.headers['content-range']).toBe(`bytes ${start}-${end}/${content.length}`);
      expect(part.rawPayload.equals(content.subarray(start, end + 1)), header).toBe(true);
    }
    const beyond = await call('GET', `/api/v1/documents/${document.id}/content`, alice, undefined, { range: `bytes=${content.length}-` });
    expect(beyond.statusCode).toBe(416);

    const v2content = Buffer.from('plain text second version\n');
    const v2 = await instance.app.inject({ method: 'POST', url: `/api/v1/documents/${document.id}/versions`, headers: { ...alice.headers, 'content-type': 'application/octet-stream' }, payload: v2content });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json()).toMatchObject({ currentVersion: 2, contentType: 'text/plain', size: v2content.length });
    expect(v2.json().versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect((await call('GET', `/api/v1/documents/${document.id}/content`, alice)).rawPayload.equals(v2content)).toBe(true);
    expect((await call('GET', `/api/v1/documents/${document.id}/content?version=1`, alice)).rawPayload.equals(content)).toBe(true);
    // A version no column can hold is a 400 naming the field (PostgreSQL's integer overflowed into
    // a 500 before — found by the long fuzz run); the largest one that fits is simply missing.
    const huge = await call('GET', `/api/v1/documents/${document.id}/content?version=2147483648`, alice);
    expect(huge.statusCode, huge.body).toBe(400);
    expect(huge.json().error.code).toBe('VALIDATION_FAILED');
    expect((await call('GET', `/api/v1/documents/${document.id}/content?version=2147483647`, alice)).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/documents/${document.id}/versions`, alice)).json().items).toHaveLength(2);

    const reclassified = await call('PATCH', `/api/v1/documents/${document.id}`, alice, { classification: 'client-secret', privileged: false, name: 'renamed.pdf' });
    expect(reclassified.json()).toMatchObject({ classification: 'client-secret', privileged: false, name: 'renamed.pdf' });
    expect((await auditRows({ action: 'document.reclassify', documentId: document.id })).length).toBe(1);
    // Marking it privileged again is recorded too (the event's id once held a character the audit
    // log refuses, so this answered 503 AUDIT_UNAVAILABLE — found by the long fuzz run).
    const marked = await call('PATCH', `/api/v1/documents/${document.id}`, alice, { privileged: true });
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json()).toMatchObject({ classification: 'client-secret', privileged: true });
    expect((await auditRows({ action: 'document.reclassify', documentId: document.id })).length).toBe(2);
    const invalid = await call('PATCH', `/api/v1/documents/${document.id}`, alice, { classification: 'top-secret' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.fields[0].path).toContain('classification');

    // A document needs content (documents.routes.test.ts covers streamed and version uploads).
    const empty = await upload(matterId, alice, Buffer.alloc(0), 'empty.bin');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('DOCUMENT_EMPTY');
  });

  it('refuses a tampered blob with INTEGRITY_ERROR, audits it, and never returns altered bytes', async () => {
    const { matterId } = await setup(alice);
    const content = randomBytes(300_000);
    const document = (await upload(matterId, alice, content, 'evidence.bin')).json();
    const blobRoot = instance.config.blobStoreUrl.slice('file:'.length);
    const files = walk(blobRoot).filter((f) => !f.includes('.tmp'));
    const target = files.find((f) => statSync(f).size > 300_000)!;
    const bytes = readFileSync(target);
    bytes[HEADER_SIZE + 10]! ^= 0x01;
    writeFileSync(target, bytes);
    const response = await call('GET', `/api/v1/documents/${document.id}/content`, alice);
    expect(response.statusCode).toBe(502);
    expect(response.json().error.code).toBe('INTEGRITY_ERROR');
    expect(response.rawPayload.includes(content.subarray(0, 64))).toBe(false);
    expect((await auditRows({ action: 'document.integrity_failure', documentId: document.id })).length).toBe(1);
    // A range inside the tampered chunk fails too.
    expect((await call('GET', `/api/v1/documents/${document.id}/content`, alice, undefined, { range: 'bytes=0-10' })).statusCode).toBe(502);
    // Truncation (a blob of the wrong size) is caught before streaming.
    writeFileSync(target, bytes.subarray(0, bytes.length - 1000));
    expect((await call('GET', `/api/v1/documents/${document.id}/content`, alice, undefined, { range: 'bytes=0-10' })).json().error.code).toBe('INTEGRITY_ERROR');
  });

  it('notes: create, list, edit with revision check, delete', async () => {
    const { matterId } = await setup(alice);
    const created = await call('POST', `/api/v1/matters/${matterId}/notes`, alice, { title: 'Call with client', body: '<p>Discussed <b>settlement</b></p>' });
    expect(created.statusCode).toBe(201);
    const note = created.json();
    expect(note).toMatchObject({ title: 'Call with client', revision: 1 });
    const edited = await call('PATCH', `/api/v1/notes/${note.id}`, alice, { body: '<p>Updated</p>', revision: 1 });
    expect(edited.json()).toMatchObject({ body: '<p>Updated</p>', title: 'Call with client', revision: 2 });
    const stale = await call('PATCH', `/api/v1/notes/${note.id}`, alice, { body: 'lost update', revision: 1 });
    expect(stale.statusCode).toBe(409);
    expect((await call('GET', `/api/v1/matters/${matterId}/notes`, alice)).json().items).toHaveLength(1);
    expect((await call('GET', `/api/v1/notes/${note.id}`, bob)).statusCode).toBe(404);
    expect((await call('DELETE', `/api/v1/notes/${note.id}`, bob)).statusCode).toBe(404);
    expect((await call('DELETE', `/api/v1/notes/${note.id}`, alice)).json()).toEqual({ deleted: true });
    expect((await call('GET', `/api/v1/notes/${note.id}`, alice)).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/matters/${matterId}/notes`, alice)).json().items).toHaveLength(0);
  });

  it('physical records: check-out and check-in are logged', async () => {
    const { matterId } = await setup(alice);
    const record = (await call('POST', `/api/v1/matters/${matterId}/records`, alice, { label: 'Box 14', location: 'Basement archive, shelf C' })).json();
    expect(record).toMatchObject({ label: 'Box 14', status: 'in', custodianUserId: null });
    const out = await call('POST', `/api/v1/records/${record.id}/check-out`, alice);
    expect(out.json()).toMatchObject({ status: 'out', custodianUserId: alice.id });
    expect((await call('POST', `/api/v1/records/${record.id}/check-out`, alice)).statusCode).toBe(409);
    expect((await call('POST', `/api/v1/records/${record.id}/check-out`, bob)).statusCode).toBe(404);
    const back = await call('POST', `/api/v1/records/${record.id}/check-in`, alice, { location: 'Room 2' });
    expect(back.json()).toMatchObject({ status: 'in', location: 'Room 2', custodianUserId: null });
    expect(back.json().movements.map((m: { action: string }) => m.action)).toEqual(['create', 'check_out', 'check_in']);
    expect((await call('GET', `/api/v1/matters/${matterId}/records`, alice)).json().items).toHaveLength(1);
    expect((await auditRows({ action: 'record.check_out' })).length).toBeGreaterThanOrEqual(1);
  });

  it('sweeps document blobs no version references once they are past the grace period, and nothing else', async () => {
    const { matterId } = await setup(alice, 'Sweep Client');
    const uploaded = await upload(matterId, alice, pdf(randomBytes(3000)), 'kept.pdf');
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const blobs = instance.services.blobs;
    const orphan = `${randomUuidLike()}-doc`;
    const foreign = `${randomUuidLike()}-other`;
    for (const id of [orphan, foreign]) await blobs.put(id, (await import('node:stream')).Readable.from([randomBytes(100)]));
    // Within the grace period (an upload may still be committing): nothing is removed.
    expect(await sweepOrphanBlobs(instance.services, { now: Date.now() })).toMatchObject({ removed: 0 });
    expect(await blobs.size(orphan)).toBe(100);
    const later = await sweepOrphanBlobs(instance.services, { now: Date.now() + 2 * 3_600_000 });
    expect(later.removed).toBe(1);
    expect(await blobs.size(orphan)).toBeNull();
    expect(await blobs.size(foreign)).toBe(100);
    const content = await call('GET', `/api/v1/documents/${uploaded.json().id}/content`, alice);
    expect(content.statusCode).toBe(200);
    expect((await auditRows({ action: 'document.orphan_blobs_removed' })).length).toBe(1);
  });

  it('key operations: rotation keeps old data readable; crypto-shredding makes it answer 410 for good', async () => {
    const { clientId, matterId } = await setup(alice);
    const content = randomBytes(5000);
    const document = (await upload(matterId, alice, content, 'old.bin')).json();
    // key.manage is an administrator's permission; step-up needs an interactive session with a fresh factor (not an API token).
    const adminNow = { ...admin, headers: (await buildSession(instance, admin)).headers } as unknown as BuiltUser;
    expect((await call('POST', `/api/v1/clients/${clientId}/keys/rotate`, alice)).statusCode).toBe(404);
    const rotated = await call('POST', `/api/v1/clients/${clientId}/keys/rotate`, adminNow);
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.json()).toEqual({ version: 2 });
    const newer = (await upload(matterId, alice, Buffer.from('after rotation'), 'new.txt')).json();
    expect((await call('GET', `/api/v1/documents/${document.id}/content`, alice)).rawPayload.equals(content)).toBe(true);
    expect((await call('GET', `/api/v1/documents/${newer.id}/content`, alice)).body).toBe('after rotation');
    // Background re-encryption moves the old document to key v2; it still reads the same.
    expect((await call('POST', `/api/v1/clients/${clientId}/keys/reencrypt`, alice)).statusCode).toBe(404);
    const moved = await call('POST', `/api/v1/clients/${clientId}/keys/reencrypt`, adminNow);
    expect(moved.json()).toEqual({ reencrypted: 1, keyVersion: 2 });
    expect((await call('POST', `/api/v1/clients/${clientId}/keys/reencrypt`, adminNow)).json()).toEqual({ reencrypted: 0, keyVersion: 2 });
    expect((await call('GET', `/api/v1/documents/${document.id}/content`, alice)).rawPayload.equals(content)).toBe(true);
    expect((await call('GET', `/api/v1/documents/${document.id}/content`, alice, undefined, { range: 'bytes=100-199' })).rawPayload.equals(content.subarray(100, 200))).toBe(true);
    expect((await auditRows({ action: 'document.reencrypt', documentId: document.id })).length).toBe(1);
    const status = await call('GET', '/api/v1/keys/status', admin);
    expect(status.json()).toMatchObject({ provider: 'file', sealed: false, masterVersion: 1 });

    const unconfirmed = await call('POST', `/api/v1/clients/${clientId}/keys/shred`, adminNow, { confirmClientId: matterId });
    expect(unconfirmed.statusCode).toBe(400);
    // A legal hold on any document refuses destruction, at the request already.
    await sql`update vault_documents set legal_hold = 1 where id = ${document.id}`.execute(instance.services.database.db);
    const held = await call('POST', `/api/v1/clients/${clientId}/keys/shred`, adminNow, { confirmClientId: clientId });
    expect(held.statusCode, held.body).toBe(409);
    expect(held.json().error.code).toBe('LEGAL_HOLD');
    await sql`update vault_documents set legal_hold = 0 where id = ${document.id}`.execute(instance.services.database.db);
    // Destroying a client's data is never one person's act: it waits for a second person.
    const officer = await buildUser(instance, { role: 'compliance_officer' });
    const filed = await call('POST', `/api/v1/clients/${clientId}/keys/shred`, adminNow, { confirmClientId: clientId });
    expect(filed.statusCode, filed.body).toBe(202);
    expect((await call('GET', `/api/v1/documents/${document.id}/content`, alice)).statusCode).toBe(200);
    const shred = await call('POST', `/api/v1/approvals/${filed.json().approval.id}/decide`, officer, { decision: 'approve' });
    expect(shred.json()).toMatchObject({ status: 'approved', kind: 'keys.shred' });
    for (const url of [`/api/v1/documents/${document.id}/content`, `/api/v1/clients/${clientId}`, `/api/v1/matters/${matterId}`]) {
      const response = await call('GET', url, alice);
      expect(response.statusCode, url).toBe(410);
      expect(response.json().error.code).toBe('KEY_DESTROYED');
    }
    expect((await auditRows({ action: 'key.shred' })).length).toBe(1);
    const master = await call('POST', '/api/v1/keys/master/rotate', adminNow, {});
    expect(master.json()).toMatchObject({ masterVersion: 2 });
  });

  it('step-up: key operations need a recent MFA check (STEP_UP_REQUIRED), not just a session', async () => {
    const { clientId } = await setup(alice);
    const unverified = await buildUser(instance, { role: 'firm_admin', mfa: false });
    expect((await call('POST', `/api/v1/clients/${clientId}/keys/rotate`, unverified)).json().error.code).toBe('MFA_REQUIRED');
    // A browser session whose second factor was confirmed 11 minutes ago (step-up window: 10).
    const person = await buildUser(instance, { role: 'firm_admin' });
    const session = await buildSession(instance, person);
    (instance.clock as ManualClock).advance(11 * 60_000);
    const earlier = { ...person, headers: session.headers } as unknown as BuiltUser;
    const stale = await call('POST', `/api/v1/clients/${clientId}/keys/rotate`, earlier);
    expect(stale.statusCode, stale.body).toBe(401);
    expect(stale.json().error.code).toBe('STEP_UP_REQUIRED');
    expect((await call('POST', '/api/v1/keys/master/rotate', earlier, {})).json().error.code).toBe('STEP_UP_REQUIRED');
    const fresh = await buildUser(instance, { role: 'firm_admin' });
    const freshSession = { ...fresh, headers: (await buildSession(instance, fresh)).headers } as unknown as BuiltUser;
    expect((await call('POST', `/api/v1/clients/${clientId}/keys/rotate`, freshSession)).statusCode).toBe(200);
  });

  it('stores no plaintext at rest: canaries in names, notes and documents appear in no database row or file, blob, log or temp file', async () => {
    const canary = `CANARY${randomBytes(6).toString('hex').toUpperCase()}`;
    // A second app over the same database and blobs, logging everything (trace) into `logLines`.
    const logLines: string[] = [];
    const logged = createServices(instance.config, { clock: instance.clock, logger: createLogger({ logLevel: 'trace' }, { write: (line: string) => void logLines.push(line) }) });
    const loggedApp = await buildApp(logged, { webRoot: null, logRequests: true });
    await loggedApp.ready();
    const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, user?: BuiltUser, payload?: unknown) =>
      loggedApp.inject({ method, url, headers: { ...(user?.headers ?? {}) }, ...(payload !== undefined ? { payload: payload as string } : {}) });
    const upload = (matterId: string, user: BuiltUser, content: Buffer, name: string) =>
      loggedApp.inject({ method: 'POST', url: `/api/v1/matters/${matterId}/documents`, headers: { ...user.headers, 'content-type': 'application/octet-stream', 'x-document-name': b64(name) }, payload: content });
    const client = await call('POST', '/api/v1/clients', alice, { kind: 'person', name: `${canary} Client`, email: `${canary.toLowerCase()}@example.org`, address: `${canary} Street` });
    const matter = await call('POST', '/api/v1/matters', alice, { clientId: client.json().id, title: `${canary} matter title` });
    const matterId = matter.json().id as string;
    await call('POST', `/api/v1/matters/${matterId}/notes`, alice, { title: `${canary} note`, body: `<p>${canary} body</p>` });
    await call('POST', `/api/v1/matters/${matterId}/records`, alice, { label: `${canary} box`, location: `${canary} shelf` });
    const content = Buffer.from(`${canary} `.repeat(20_000));
    expect((await upload(matterId, alice, content, `${canary}.txt`)).statusCode).toBe(201);
    await call('POST', '/api/v1/clients/search', alice, { name: `${canary} Client` });

    const needles = [canary, canary.toLowerCase(), Buffer.from(canary).toString('base64').slice(0, 12)];
    // Every row of every table, as text.
    const tables = instance.dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(instance.services.database.db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(instance.services.database.db)).rows.map((r) => r.name);
    expect(tables).toContain('vault_clients');
    for (const table of tables) {
      const rows = (await sql.raw(`select * from "${table}"`).execute(instance.services.database.db)).rows;
      const text = JSON.stringify(rows, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value));
      for (const needle of needles) expect(text.includes(needle), `${table} contains a canary`).toBe(false);
    }
    const bad = await call('POST', '/api/v1/clients', alice, { kind: 'alien', name: `${canary} invalid` });
    expect(bad.statusCode).toBe(400);
    expect((await call('GET', `/api/v1/documents/${randomUuidLike()}/content`, alice)).statusCode).toBe(404);
    await loggedApp.close();
    await closeServices(logged);
    expect(logLines.length).toBeGreaterThan(5);
    const logText = logLines.join('');
    for (const needle of [...needles, b64(`${canary}.txt`).slice(0, 12)]) expect(logText.includes(needle), 'the log contains a canary').toBe(false);
    // Every file of the instance: database files (with WAL), blobs, keys, outbox, logs.
    if (instance.dialect === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(instance.services.database.db);
    for (const file of walk(instance.config.dataDir)) {
      const bytes = readFileSync(file);
      for (const needle of needles) expect(bytes.includes(Buffer.from(needle)), `${file} contains a canary`).toBe(false);
    }
    // Temporary files written by uploads: the blob store's .tmp and the OS temp folder.
    for (const file of walk(process.env.TMPDIR ?? '/tmp', 2).filter((f) => statSync(f).size < 50 * 1024 * 1024)) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(canary)), `${file} contains a canary`).toBe(false);
    }
  });
});

function walk(dir: string, depth = 10): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && depth > 0) out.push(...walk(path, depth - 1));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
