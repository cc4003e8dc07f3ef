import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../platform/clock.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildDocument, buildMatter, buildUser, buildWall, type BuiltMatter, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

const b64 = (name: string) => Buffer.from(name, 'utf8').toString('base64url');
// The smallest valid PNG (1×1, transparent): enough for content-type detection.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c626001000000ffff03000006000557bfabd40000000049454e44ae426082', 'hex');

describe.each(DIALECTS)('documents in the UI: versions, rename, classification, trash, recent, empty uploads — on %s', (dialect) => {
  let instance: TestInstance;
  let lead: BuiltUser;
  let matter: BuiltMatter;

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, user?: BuiltUser, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers: user?.headers ?? {}, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const upload = (matterId: string, user: BuiltUser, content: Buffer | Readable, name: string, query = '') =>
    instance.app.inject({ method: 'POST', url: `/api/v1/matters/${matterId}/documents${query}`, headers: { ...user.headers, 'content-type': 'application/octet-stream', 'x-document-name': b64(name) }, payload: content });
  const events = async (action: string, documentId?: string) => {
    let query = instance.services.database.db.selectFrom('audit_event').select(['action', 'outcome', 'reason', 'matter_id']).where('action', '=', action);
    if (documentId) query = query.where('document_id', '=', documentId);
    return query.execute();
  };
  const blobCount = () => {
    const root = instance.config.blobStoreUrl.slice('file:'.length);
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [e.name]));
    return walk(root).filter((name) => name.endsWith('-doc')).length;
  };

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    lead = await buildUser(instance, { role: 'attorney' });
    matter = await buildMatter(instance, { lead, title: 'Documents matter' });
  });
  afterAll(async () => instance?.close());

  it('answers what the viewer may do (can), and hides nothing a read-only member may see', async () => {
    const document = await buildDocument(instance, { matter, name: 'Engagement letter.pdf' });
    const own = await call('GET', `/documents/${document.id}`, lead);
    expect(own.json().can).toEqual({ edit: true, classify: true, trash: true });
    expect(own.json().trashedAt).toBeNull();
    const assistant = await buildUser(instance, { role: 'staff' });
    const seated = await instance.app.inject({ method: 'PUT', url: `/api/v1/matters/${matter.id}/team/${assistant.id}`, headers: lead.headers, payload: { role: 'assistant' } });
    expect(seated.statusCode, seated.body).toBe(200);
    const listed = await call('GET', `/matters/${matter.id}/documents`, assistant);
    expect(listed.statusCode).toBe(200);
    const item = listed.json().items.find((d: { id: string }) => d.id === document.id);
    expect(item.can).toEqual({ edit: false, classify: false, trash: false });
    expect(listed.json().can).toEqual({ upload: false });
    expect((await call('GET', `/matters/${matter.id}/documents`, lead)).json().can).toEqual({ upload: true });
    // The hidden controls are refused too: `can` only shows what the choke point would decide.
    expect((await call('PATCH', `/documents/${document.id}`, assistant, { name: 'x.pdf' })).statusCode).toBe(404);
    expect((await call('POST', `/documents/${document.id}/trash`, assistant)).statusCode).toBe(404);
  });

  it('renames, reclassifies and marks privileged, each audited; a bad classification is a 400 naming the field', async () => {
    const document = await buildDocument(instance, { matter, name: 'Draft.docx' });
    const renamed = await call('PATCH', `/documents/${document.id}`, lead, { name: 'Final brief.docx' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Final brief.docx', classification: 'confidential', privileged: false });
    expect(await events('document.rename', document.id)).toHaveLength(1);
    const reclassified = await call('PATCH', `/documents/${document.id}`, lead, { classification: 'client-secret' });
    expect(reclassified.json()).toMatchObject({ classification: 'client-secret', privileged: false });
    const privileged = await call('PATCH', `/documents/${document.id}`, lead, { privileged: true });
    expect(privileged.json()).toMatchObject({ classification: 'client-secret', privileged: true });
    const unmarked = await call('PATCH', `/documents/${document.id}`, lead, { privileged: false });
    expect(unmarked.json().privileged).toBe(false);
    expect(await events('document.reclassify', document.id)).toHaveLength(3);
    const bad = await call('PATCH', `/documents/${document.id}`, lead, { classification: 'top-secret' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    expect(bad.json().error.fields.map((f: { path: string }) => f.path).join(' ')).toContain('classification');
    const badUpload = await upload(matter.id, lead, Buffer.from('x'), 'x.txt', '?classification=secret');
    expect(badUpload.statusCode).toBe(400);
    expect(badUpload.json().error.fields.map((f: { path: string }) => f.path).join(' ')).toContain('classification');
    const emptyName = await call('PATCH', `/documents/${document.id}`, lead, { name: '' });
    expect(emptyName.statusCode).toBe(400);
    expect(emptyName.json().error.fields[0].path).toContain('name');
  });

  it('adds a version to an existing document (the UI offers it for a file of the same name)', async () => {
    const document = await buildDocument(instance, { matter, name: 'Contract.txt', content: 'first' });
    const v2 = await instance.app.inject({ method: 'POST', url: `/api/v1/documents/${document.id}/versions`, headers: { ...lead.headers, 'content-type': 'application/octet-stream' }, payload: Buffer.from('second') });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json()).toMatchObject({ currentVersion: 2, name: 'Contract.txt' });
    expect(v2.json().versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect((await call('GET', `/documents/${document.id}/content`, lead)).body).toBe('second');
  });

  it('refuses zero-byte uploads and versions with DOCUMENT_EMPTY, declared or streamed, leaving no document and no blob', async () => {
    const before = blobCount();
    const listed = async () => (await call('GET', `/matters/${matter.id}/documents?limit=200`, lead)).json().items.length as number;
    const count = await listed();
    const declared = await upload(matter.id, lead, Buffer.alloc(0), 'empty.txt');
    expect(declared.statusCode, declared.body).toBe(400);
    expect(declared.json().error).toMatchObject({ code: 'DOCUMENT_EMPTY', message: expect.stringContaining('empty') });
    expect(declared.json().error.fields[0].path).toBe('body');
    // A chunked body (no declared length) that turns out empty.
    const streamed = await upload(matter.id, lead, Readable.from([]), 'empty-streamed.txt');
    expect(streamed.statusCode, streamed.body).toBe(400);
    expect(streamed.json().error.code).toBe('DOCUMENT_EMPTY');
    const document = await buildDocument(instance, { matter, name: 'Has content.txt' });
    const version = await instance.app.inject({ method: 'POST', url: `/api/v1/documents/${document.id}/versions`, headers: { ...lead.headers, 'content-type': 'application/octet-stream' }, payload: Readable.from([]) });
    expect(version.statusCode, version.body).toBe(400);
    expect(version.json().error.code).toBe('DOCUMENT_EMPTY');
    expect((await call('GET', `/documents/${document.id}`, lead)).json().currentVersion).toBe(1);
    expect(await listed()).toBe(count + 1);
    expect(blobCount()).toBe(before + 1);
  });

  it('moves to the trash and restores, audited; the trash is its own list; a trashed document cannot be changed', async () => {
    const document = await buildDocument(instance, { matter, name: 'Old memo.txt' });
    const trashed = await call('POST', `/documents/${document.id}/trash`, lead);
    expect(trashed.statusCode, trashed.body).toBe(200);
    expect(trashed.json().trashedAt).toBeTypeOf('number');
    expect(trashed.json().can).toEqual({ edit: false, classify: false, trash: true });
    const live = (await call('GET', `/matters/${matter.id}/documents?limit=200`, lead)).json().items.map((d: { id: string }) => d.id);
    expect(live).not.toContain(document.id);
    const bin = (await call('GET', `/matters/${matter.id}/documents?trashed=true`, lead)).json().items.map((d: { id: string }) => d.id);
    expect(bin).toEqual([document.id]);
    const rename = await call('PATCH', `/documents/${document.id}`, lead, { name: 'x.txt' });
    expect(rename.statusCode).toBe(409);
    expect(rename.json().error.code).toBe('DOCUMENT_TRASHED');
    // Its content stays readable (to decide whether to restore it).
    expect((await call('GET', `/documents/${document.id}/content`, lead)).statusCode).toBe(200);
    const restored = await call('POST', `/documents/${document.id}/restore`, lead);
    expect(restored.json().trashedAt).toBeNull();
    expect((await call('GET', `/matters/${matter.id}/documents?limit=200`, lead)).json().items.map((d: { id: string }) => d.id)).toContain(document.id);
    expect(await events('document.trash', document.id)).toMatchObject([{ outcome: 'allowed' }]);
    expect(await events('document.restore', document.id)).toMatchObject([{ outcome: 'allowed' }]);
  });

  it('refuses the trash (and any change) with LEGAL_HOLD while the document’s own hold marker is set, audits the refusal, and hides the controls', async () => {
    const document = await buildDocument(instance, { matter, name: 'Evidence.txt' });
    // The document's own legal_hold marker (holds the retention module keeps come through the vault hook: holds.routes.test.ts).
    await sql`update vault_documents set legal_hold = 1 where id = ${document.id}`.execute(instance.services.database.db);
    expect((await call('GET', `/documents/${document.id}`, lead)).json()).toMatchObject({ legalHold: true, can: { edit: false, classify: false, trash: false } });
    expect((await call('PATCH', `/documents/${document.id}`, lead, { name: 'Renamed.txt' })).json().error.code).toBe('LEGAL_HOLD');
    const refused = await call('POST', `/documents/${document.id}/trash`, lead);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('LEGAL_HOLD');
    expect(refused.body).not.toContain('Evidence');
    expect(await events('document.trash', document.id)).toMatchObject([{ outcome: 'denied', reason: 'LEGAL_HOLD' }]);
    expect((await call('GET', `/documents/${document.id}`, lead)).json().trashedAt).toBeNull();
  });

  it('denies from the attacker side: 401 without a session, 404 (audited) for a walled user and an outsider on rename, trash, restore, preview', async () => {
    const document = await buildDocument(instance, { matter, name: 'Walled.txt', content: 'behind the wall' });
    const walled = await buildUser(instance, { role: 'attorney' });
    expect((await instance.app.inject({ method: 'PUT', url: `/api/v1/matters/${matter.id}/team/${walled.id}`, headers: lead.headers, payload: { role: 'attorney' } })).statusCode).toBe(200);
    expect((await call('GET', `/documents/${document.id}/content`, walled)).statusCode).toBe(200);
    await buildWall(instance, { matter, members: [walled] });
    const outsider = await buildUser(instance, { role: 'attorney' });
    const missing = await call('GET', '/documents/0190aaaa-0000-7000-8000-00000000abcd', walled);
    for (const user of [walled, outsider]) {
      const attempts = [
        call('PATCH', `/documents/${document.id}`, user, { name: 'pwned.txt' }),
        call('PATCH', `/documents/${document.id}`, user, { classification: 'internal' }),
        call('POST', `/documents/${document.id}/trash`, user),
        call('POST', `/documents/${document.id}/restore`, user),
        call('GET', `/documents/${document.id}/content`, user),
        call('GET', `/documents/${document.id}`, user),
      ];
      for (const response of await Promise.all(attempts)) {
        expect(response.statusCode, response.body).toBe(404);
        expect(response.json().error.code).toBe(missing.json().error.code);
        expect(response.json().error.message).toBe(missing.json().error.message);
        expect(response.body).not.toContain('Walled');
      }
    }
    const denied = await instance.services.database.db.selectFrom('audit_event').select(['action', 'reason', 'actor_id']).where('document_id', '=', document.id).where('outcome', '=', 'denied').execute();
    expect(denied.filter((e) => e.actor_id === walled.id && e.reason === 'WALL').map((e) => e.action).sort()).toEqual(['document.classify', 'document.read', 'document.read', 'document.write', 'document.write', 'document.write']);
    expect(denied.filter((e) => e.actor_id === outsider.id).length).toBe(6);
    for (const [method, url] of [['PATCH', `/documents/${document.id}`], ['POST', `/documents/${document.id}/trash`], ['POST', `/documents/${document.id}/restore`], ['GET', '/documents/recent']] as const) {
      expect((await call(method, url, undefined, method === 'PATCH' ? { name: 'x' } : undefined)).statusCode, url).toBe(401);
    }
    // Nothing the refused calls asked for happened.
    const row = await instance.services.database.db.selectFrom('vault_documents').select(['classification', 'trashed_at', 'updated_at', 'created_at']).where('id', '=', document.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ classification: 'confidential', trashed_at: null });
    expect(row.updated_at).toBe(row.created_at);
  });

  it('recent documents: newest first, only from matters the actor may open, with number and title, trash left out, audited as a list', async () => {
    const me = await buildUser(instance, { role: 'attorney' });
    const mine = await buildMatter(instance, { lead: me, title: 'My recent matter' });
    const other = await buildMatter(instance, { title: 'Someone else’s matter' });
    const tick = () => (instance.clock as ManualClock).advance(1000);
    const first = await buildDocument(instance, { matter: mine, name: 'First.txt' });
    tick();
    await buildDocument(instance, { matter: mine, name: 'Photo.png', content: PNG });
    tick();
    await buildDocument(instance, { matter: other, name: 'Not yours.txt' });
    const gone = await buildDocument(instance, { matter: mine, name: 'Trashed.txt' });
    await call('POST', `/documents/${gone.id}/trash`, me);
    // Ordering is by last change: renaming the first makes it the newest.
    tick();
    await call('PATCH', `/documents/${first.id}`, me, { name: 'First, renamed.txt' });
    const recent = await call('GET', '/documents/recent?limit=5', me);
    expect(recent.statusCode, recent.body).toBe(200);
    const items = recent.json().items as { id: string; name: string; matterId: string; matterNumber: string; matterTitle: string; contentType: string }[];
    expect(items.map((d) => d.name)).toEqual(['First, renamed.txt', 'Photo.png']);
    expect(items[0]).toMatchObject({ matterId: mine.id, matterNumber: mine.number, matterTitle: 'My recent matter' });
    expect(items[1]!.contentType).toBe('image/png');
    expect(items.map((d) => d.id)).not.toContain(gone.id);
    expect(recent.body).not.toContain('Not yours');
    const listed = await instance.services.database.db.selectFrom('audit_event').select(['outcome', 'other_type', 'other_id', 'matter_id']).where('action', '=', 'document.recent').where('actor_id', '=', me.id).execute();
    expect(listed).toMatchObject([{ outcome: 'allowed', other_type: 'result_count', other_id: '2' }]);
    expect((await call('GET', '/documents/recent?limit=5', await buildUser(instance, { role: 'attorney' }))).json().items).toEqual([]);
    // The firm administrator holds no client data: nothing, whatever exists.
    expect((await call('GET', '/documents/recent', await buildUser(instance, { role: 'firm_admin' }))).json().items).toEqual([]);
    const tooMany = await call('GET', '/documents/recent?limit=500', me);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.fields[0].path).toContain('limit');
  });
});
