/**
 * The retention module's destruction primitives, from the outside: after a matter's content is
 * destroyed every read answers 410 KEY_DESTROYED or 404 (never a 5xx, never plaintext), lists
 * leave it out, and neither the canary nor the object keys' bytes are left in the database (the
 * SQLite file after a checkpoint; every PostgreSQL row as text) nor, once its blobs are deleted,
 * in the blob store. Superseded versions, a whole document, a physical record, the client's end
 * and anonymisation; the legal-hold hook refuses destruction too.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientId } from '../../../common/ids.js';
import { tablesOf } from '../../platform/db/database.js';
import type { ConfidantModule } from '../../platform/module.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildDocument, buildMatter, buildUser, type BuiltDocument, type BuiltMatter, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import type { KeysTables } from '../keys/keys.tables.js';
import { unsafeObjectDataKey } from '../keys/index.js';
import { composeModules, MODULES } from '../registry.js';
import {
  sweepOrphanBlobs,
  unsafeAnonymiseClient,
  unsafeClientInventory,
  unsafeDestroyDocumentVersions,
  unsafeDestroyMatterContent,
  unsafeMarkRecordDestroyed,
  unsafeMatterInventory,
  unsafeSetClientEnded,
} from './index.js';
import type { VaultTables } from './vault.tables.js';

const b64 = (value: string) => Buffer.from(value, 'utf8').toString('base64url');

function walk(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : []));
}

describe.each(DIALECTS)('destroying vault content for retention on %s', (dialect) => {
  let instance: TestInstance;
  let lead: BuiltUser;
  const held = new Set<string>();

  const db = () => tablesOf<VaultTables & KeysTables>(instance.services.database.db);
  const system = () => instance.system('retention');
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, user: BuiltUser = lead) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers: user.headers, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const upload = (matterId: string, name: string, content: Buffer) =>
    instance.app.inject({ method: 'POST', url: `/api/v1/matters/${matterId}/documents`, headers: { ...lead.headers, 'content-type': 'application/octet-stream', 'x-document-name': b64(name) }, payload: content });
  const addVersion = (documentId: string, content: Buffer) => instance.app.inject({ method: 'POST', url: `/api/v1/documents/${documentId}/versions`, headers: { ...lead.headers, 'content-type': 'application/octet-stream' }, payload: content });
  const codeOf = (response: { statusCode: number; body: string }) => [response.statusCode, response.statusCode >= 400 ? (JSON.parse(response.body) as { error: { code: string } }).error.code : null];
  const versionsOf = (documentId: string) => db().selectFrom('vault_document_versions').selectAll().where('document_id', '=', documentId).orderBy('version').execute();
  const blobExists = async (blobId: string) => (await instance.services.blobs.size(blobId).catch(() => null)) !== null;

  /** Every row of every table as text (PostgreSQL), or the database files' bytes after a checkpoint (SQLite). */
  async function databaseBytes(): Promise<Buffer> {
    if (instance.dialect === 'sqlite') {
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(instance.services.database.db);
      return Buffer.concat(walk(instance.config.dataDir).filter((f) => /confidant\.db/.test(f)).map((f) => readFileSync(f)));
    }
    const tables = (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(instance.services.database.db)).rows.map((r) => r.name);
    const parts: string[] = [];
    for (const table of tables) {
      const rows = (await sql.raw(`select * from "${table}"`).execute(instance.services.database.db)).rows;
      parts.push(JSON.stringify(rows, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value)));
    }
    return Buffer.from(parts.join('\n'), 'latin1');
  }

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    // A test-only module holding what `held` names (the retention module's hook in real life).
    const holds: ConfidantModule = { name: 'test-holds', provides: { vault: { heldItems: async (_tx, _where, items) => new Set(items.filter((i) => held.has(i.id)).map((i) => i.id)) } } };
    composeModules(instance.services, [...MODULES, holds]);
    lead = await buildUser(instance, { role: 'attorney' });
  });
  afterAll(async () => instance?.close());

  it('a destroyed matter answers 410 everywhere, lists leave it out, and neither the canary nor its object keys are left in the database or the blob store', async () => {
    const canary = `CANARY${randomBytes(6).toString('hex').toUpperCase()}`;
    const matter = await buildMatter(instance, { lead, title: `${canary} matter` });
    const other = await buildMatter(instance, { client: matter.client, lead, title: 'The other matter' });
    const content = Buffer.from(`${canary} `.repeat(5000));
    const uploaded = await upload(matter.id, `${canary}.txt`, content);
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const documentId = uploaded.json().id as string;
    expect((await addVersion(documentId, Buffer.from(`${canary} second version`))).statusCode).toBe(201);
    const note = (await call('POST', `/matters/${matter.id}/notes`, { title: `${canary} note`, body: `<p>${canary} body</p>` })).json() as { id: string };
    // A physical record is left to its own witnessed destruction (retention's): its label is not part of the canary.
    const record = (await call('POST', `/matters/${matter.id}/records`, { label: 'Box 7', location: 'Shelf 2' })).json() as { id: string };
    const party = await call('POST', `/clients/${matter.clientId}/parties`, { role: 'opposing', name: `${canary} Opposing`, matterId: matter.id });
    expect(party.statusCode, party.body).toBe(201);
    const keep = await buildDocument(instance, { matter: other, content: 'the other matter lives on' });

    // What must vanish: the sealed values and the object keys, wrapped (at rest) and derived.
    const versions = await versionsOf(documentId);
    const objectKeys = await db().selectFrom('keys_object_keys').selectAll().where('id', 'in', versions.map((v) => v.object_key_id!)).execute();
    expect(objectKeys).toHaveLength(2);
    const dataKeys = await Promise.all(versions.map((v) => unsafeObjectDataKey(system(), matter.clientId, v.object_key_id!, v.key_version)));
    const sealed = [
      (await db().selectFrom('vault_matters').select('title_sealed').where('id', '=', matter.id).executeTakeFirstOrThrow()).title_sealed,
      (await db().selectFrom('vault_matters').select('title_index').where('id', '=', matter.id).executeTakeFirstOrThrow()).title_index,
      (await db().selectFrom('vault_documents').select('name_sealed').where('id', '=', documentId).executeTakeFirstOrThrow()).name_sealed,
      ...Object.values(await db().selectFrom('vault_notes').select(['title_sealed', 'body_sealed']).where('id', '=', note.id).executeTakeFirstOrThrow()),
      (await db().selectFrom('vault_parties').select('name_sealed').where('matter_id', '=', matter.id).executeTakeFirstOrThrow()).name_sealed,
    ];
    const needles: Buffer[] = [
      ...[canary, canary.toLowerCase(), Buffer.from(canary).toString('base64').slice(0, 12)].map((n) => Buffer.from(n)),
      ...sealed.map((s) => Buffer.from(s)),
      ...objectKeys.map((k) => Buffer.from(k.wrapped_key!)),
      ...objectKeys.map((k) => Buffer.from(k.wrapped_key!, 'base64').subarray(13)),
      ...dataKeys.flatMap((k) => [k, Buffer.from(k.toString('base64')), Buffer.from(k.toString('hex'))]),
    ];
    // The scan finds them before (so it can fail).
    const before = await databaseBytes();
    expect(sealed.every((s) => before.includes(Buffer.from(s)))).toBe(true);
    expect(objectKeys.every((k) => before.includes(Buffer.from(k.wrapped_key!)))).toBe(true);

    const result = await unsafeDestroyMatterContent(system(), matter.id);
    expect(result.blobIds.sort()).toEqual(versions.map((v) => v.blob_id).sort());
    expect(result.legacyBlobIds).toEqual([]);
    expect(result.objectKeyEventIndex).toEqual(expect.any(Number));
    const keyEvent = await instance.services.database.db.selectFrom('audit_event').select(['action', 'client_id', 'matter_id', 'other_type', 'other_id']).where('seq', '=', result.objectKeyEventIndex!).executeTakeFirstOrThrow();
    expect(keyEvent).toEqual({ action: 'key.destroy', client_id: matter.clientId, matter_id: matter.id, other_type: 'object_keys', other_id: '2' });
    expect(await db().selectFrom('keys_object_keys').select(['state', 'wrapped_key']).where('id', 'in', objectKeys.map((k) => k.id)).execute()).toEqual([
      { state: 'destroyed', wrapped_key: null },
      { state: 'destroyed', wrapped_key: null },
    ]);

    // Reads: 410 for the matter and what was in it, 404 for the deleted note and party — never a 5xx.
    expect(codeOf(await call('GET', `/matters/${matter.id}`))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('PATCH', `/matters/${matter.id}`, { title: 'New' }))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('POST', `/matters/${matter.id}/close`, { reason: 'done' }))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('GET', `/matters/${matter.id}/documents`))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('GET', `/matters/${matter.id}/notes`))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('GET', `/matters/${matter.id}/records`))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('POST', `/matters/${matter.id}/notes`, { title: 't', body: 'b' }))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await upload(matter.id, 'new.txt', Buffer.from('new')))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('GET', `/documents/${documentId}`))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('GET', `/documents/${documentId}/content`))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('GET', `/documents/${documentId}/content?version=1`))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('PATCH', `/documents/${documentId}`, { name: 'x.txt' }))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await addVersion(documentId, Buffer.from('x')))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('POST', `/documents/${documentId}/trash`))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('GET', `/records/${record.id}`))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('POST', `/records/${record.id}/check-out`))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('GET', `/notes/${note.id}`))).toEqual([404, 'ACCESS_DENIED']);
    expect(codeOf(await call('PATCH', `/parties/${party.json().id}`, { name: 'x' }))).toEqual([404, 'ACCESS_DENIED']);
    // Lists and searches leave it out and still answer.
    const matters = await call('GET', `/matters?clientId=${matter.clientId}`);
    expect(matters.statusCode).toBe(200);
    expect(matters.json().items.map((m: { id: string }) => m.id)).toEqual([other.id]);
    for (const query of [canary, 'matter', matter.number]) {
      const found = await call('POST', '/matters/search', { query });
      expect(found.statusCode, query).toBe(200);
      expect(found.json().items.map((m: { id: string }) => m.id), query).not.toContain(matter.id);
    }
    expect((await call('POST', '/matters/search', { title: `${canary} matter` })).json().items).toEqual([]);
    const recent = await call('GET', '/documents/recent');
    expect(recent.statusCode).toBe(200);
    expect(recent.json().items.map((d: { id: string }) => d.id)).toEqual([keep.id]);
    const client = await call('GET', `/clients/${matter.clientId}`);
    expect(client.statusCode).toBe(200);
    expect(client.json().parties).toEqual([]);
    expect(client.body).not.toContain(canary);
    // The other matter of the client lives on.
    expect((await call('GET', `/documents/${keep.id}/content`)).body).toBe('the other matter lives on');

    // Inventory: ids and states only.
    const inventory = await unsafeMatterInventory(system(), matter.id);
    expect(inventory).toMatchObject({ clientId: matter.clientId, matterId: matter.id, number: matter.number, status: 'destroyed' });
    expect(inventory!.documents).toEqual([expect.objectContaining({ id: documentId, destroyedAt: expect.any(Number), currentVersion: 2 })]);
    expect(inventory!.documents[0]!.versions.map((v) => [v.version, v.blobId, v.objectKeyId, v.destroyedAt !== null])).toEqual(versions.map((v) => [v.version, v.blob_id, v.object_key_id, true]));
    expect(inventory!.notes).toEqual([expect.objectContaining({ id: note.id, deletedAt: expect.any(Number) })]);
    expect(inventory!.records).toEqual([expect.objectContaining({ id: record.id, status: 'in' })]);

    // Idempotent: again, to no effect, the same blobs to delete.
    expect((await unsafeDestroyMatterContent(system(), matter.id)).blobIds.sort()).toEqual(result.blobIds.sort());
    // The caller deletes the blobs after the commit.
    for (const blobId of result.blobIds) await instance.services.blobs.delete(blobId);
    for (const blobId of result.blobIds) expect(await blobExists(blobId)).toBe(false);

    const after = await databaseBytes();
    for (const needle of needles) expect(after.includes(needle), `the database still holds ${needle.toString('latin1').slice(0, 16)}…`).toBe(false);
    const blobRoot = instance.config.blobStoreUrl.slice('file:'.length);
    for (const file of walk(blobRoot)) {
      const bytes = readFileSync(file);
      for (const needle of needles) expect(bytes.includes(needle), file).toBe(false);
    }
  });

  it('destroys superseded versions (the document and its current version stay), then the whole document', async () => {
    const document = await buildDocument(instance, { by: lead, content: 'version one' });
    expect((await addVersion(document.id, Buffer.from('version two'))).statusCode).toBe(201);
    expect((await addVersion(document.id, Buffer.from('version three'))).statusCode).toBe(201);
    const ctx = system();
    await expect(unsafeDestroyDocumentVersions(ctx, document.id, [2, 3])).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(unsafeDestroyDocumentVersions(ctx, document.id, [7])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    // A legacy version (no object key) is named as such.
    const versions = await versionsOf(document.id);
    await db().updateTable('vault_document_versions').set({ object_key_id: null }).where('id', '=', versions[1]!.id).execute();
    const superseded = await unsafeDestroyDocumentVersions(ctx, document.id, [1, 2]);
    expect(superseded.blobIds.sort()).toEqual([versions[0]!.blob_id, versions[1]!.blob_id].sort());
    expect(superseded.legacyBlobIds).toEqual([versions[1]!.blob_id]);
    expect(superseded.objectKeyEventIndex).toEqual(expect.any(Number));
    expect(codeOf(await call('GET', `/documents/${document.id}/content?version=1`))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('GET', `/documents/${document.id}/content?version=2`))).toEqual([410, 'KEY_DESTROYED']);
    expect((await call('GET', `/documents/${document.id}/content`)).body).toBe('version three');
    const view = await call('GET', `/documents/${document.id}`);
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ name: document.name, currentVersion: 3 });
    expect(view.json().versions.map((v: { version: number }) => v.version)).toEqual([3]);
    // The orphan sweeper takes the blobs of destroyed versions (the backstop when the caller's delete was cut short).
    const swept = await sweepOrphanBlobs(instance.services, { graceMs: 0, now: Date.now() + 60_000 });
    expect(swept.removed).toBeGreaterThanOrEqual(2);
    for (const blobId of superseded.blobIds) expect(await blobExists(blobId)).toBe(false);
    expect(await blobExists(versions[2]!.blob_id)).toBe(true);

    const whole = await unsafeDestroyDocumentVersions(ctx, document.id, 'all');
    expect(whole.blobIds.sort()).toEqual(versions.map((v) => v.blob_id).sort());
    expect(codeOf(await call('GET', `/documents/${document.id}`))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('GET', `/documents/${document.id}/content`))).toEqual([410, 'KEY_DESTROYED']);
    const listed = await call('GET', `/matters/${document.matter.id}/documents`);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toEqual([]);
    expect((await db().selectFrom('vault_documents').select('name_sealed').where('id', '=', document.id).executeTakeFirstOrThrow()).name_sealed).toBe('');
    // The matter itself lives on.
    expect((await call('GET', `/matters/${document.matter.id}`)).statusCode).toBe(200);
  });

  it('refuses destruction while the hook (or the document’s own marker) holds something, audited, and changes nothing', async () => {
    const document: BuiltDocument = await buildDocument(instance, { by: lead, content: 'held' });
    const matter: BuiltMatter = document.matter;
    held.add(document.id);
    try {
      await expect(unsafeDestroyMatterContent(system(), matter.id)).rejects.toMatchObject({ code: 'LEGAL_HOLD', status: 409 });
      await expect(unsafeDestroyDocumentVersions(system(), document.id, 'all')).rejects.toMatchObject({ code: 'LEGAL_HOLD' });
    } finally {
      held.clear();
    }
    const denied = await instance.services.database.db.selectFrom('audit_event').select(['action', 'reason']).where('outcome', '=', 'denied').where('matter_id', '=', matter.id).orderBy('seq').execute();
    expect(denied).toEqual([
      { action: 'matter.destroy', reason: 'LEGAL_HOLD' },
      { action: 'document.destroy', reason: 'LEGAL_HOLD' },
    ]);
    expect((await call('GET', `/matters/${matter.id}`)).statusCode).toBe(200);
    expect((await call('GET', `/documents/${document.id}/content`)).body).toBe('held');
    await sql`update vault_documents set legal_hold = 1 where id = ${document.id}`.execute(instance.services.database.db);
    await expect(unsafeDestroyMatterContent(system(), matter.id)).rejects.toMatchObject({ code: 'LEGAL_HOLD' });
    await sql`update vault_documents set legal_hold = 0 where id = ${document.id}`.execute(instance.services.database.db);
    expect((await unsafeDestroyMatterContent(system(), matter.id)).blobIds).toHaveLength(1);
  });

  it('a physical record: refused while checked out, then destroyed (label and location wiped) with how, when and before whom', async () => {
    const matter = await buildMatter(instance, { lead });
    const record = (await call('POST', `/matters/${matter.id}/records`, { label: 'Box 12', location: 'Basement' })).json() as { id: string };
    const witness = await buildUser(instance, { role: 'staff' });
    expect((await call('POST', `/records/${record.id}/check-out`)).statusCode).toBe(200);
    const input = { method: 'cross-cut shredding', witnessUserId: witness.id, destroyedAt: instance.clock.now() };
    await expect(unsafeMarkRecordDestroyed(system(), record.id, input)).rejects.toMatchObject({ code: 'RECORD_CHECKED_OUT', status: 409 });
    expect(await instance.services.database.db.selectFrom('audit_event').select(['action', 'reason']).where('action', '=', 'record.destroy').where('outcome', '=', 'denied').execute()).toEqual([{ action: 'record.destroy', reason: 'RECORD_CHECKED_OUT' }]);
    expect((await call('POST', `/records/${record.id}/check-in`, {})).statusCode).toBe(200);
    await expect(unsafeMarkRecordDestroyed(system(), 'missing', input)).rejects.toMatchObject({ code: 'RECORD_NOT_FOUND' });
    await unsafeMarkRecordDestroyed(system(), record.id, input);
    await unsafeMarkRecordDestroyed(system(), record.id, input);
    expect(await db().selectFrom('vault_records').select(['label_sealed', 'location_sealed', 'status', 'destroyed_at', 'destruction_method', 'destruction_witness']).where('id', '=', record.id).executeTakeFirstOrThrow()).toEqual({
      label_sealed: '',
      location_sealed: '',
      status: 'destroyed',
      destroyed_at: input.destroyedAt,
      destruction_method: 'cross-cut shredding',
      destruction_witness: witness.id,
    });
    expect(codeOf(await call('GET', `/records/${record.id}`))).toEqual([410, 'KEY_DESTROYED']);
    expect(codeOf(await call('POST', `/records/${record.id}/check-out`))).toEqual([410, 'KEY_DESTROYED']);
    const listed = await call('GET', `/matters/${matter.id}/records`);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items ?? listed.json()).toEqual([]);
    expect((await unsafeMatterInventory(system(), matter.id))!.records).toEqual([expect.objectContaining({ id: record.id, status: 'destroyed' })]);
  });

  it('a client’s end is kept, and anonymising replaces its name (sealed, searchable by the label only) and wipes its details and parties', async () => {
    const name = `Anonymous ${randomBytes(4).toString('hex')} Ltd`;
    const created = await call('POST', '/clients', { kind: 'organisation', name, email: 'someone@client.example', phone: '+44 20 1234', parties: [{ role: 'related', name: `${name} Holdings` }] });
    expect(created.statusCode, created.body).toBe(201);
    const clientId = created.json().id as ClientId;
    expect(await unsafeClientInventory(system(), 'missing')).toBeNull();
    expect(await unsafeClientInventory(system(), clientId)).toMatchObject({ clientId, endedAt: null, matters: [] });
    const endedAt = instance.clock.now() - 1000;
    await unsafeSetClientEnded(system(), clientId, endedAt);
    expect((await unsafeClientInventory(system(), clientId))!.endedAt).toBe(endedAt);
    await expect(unsafeSetClientEnded(system(), 'missing', endedAt)).rejects.toMatchObject({ code: 'CLIENT_NOT_FOUND' });

    await unsafeAnonymiseClient(system(), clientId, 'Anonymised client 17');
    const view = await call('GET', `/clients/${clientId}`);
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ name: 'Anonymised client 17', email: null, phone: null, address: null, identifiers: [], parties: [] });
    expect(view.body).not.toContain(name);
    expect((await call('POST', '/clients/search', { name })).json().items).toEqual([]);
    expect((await call('POST', '/clients/search', { name: 'Anonymised client 17' })).json().items.map((c: { id: string }) => c.id)).toEqual([clientId]);
    expect(await instance.services.database.db.selectFrom('audit_event').select('action').where('client_id', '=', clientId).where('action', 'in', ['client.ended', 'client.anonymised']).orderBy('seq').execute()).toEqual([{ action: 'client.ended' }, { action: 'client.anonymised' }]);
  });

  it('inventories name nothing that does not exist', async () => {
    expect(await unsafeMatterInventory(system(), 'missing')).toBeNull();
    await expect(unsafeDestroyMatterContent(system(), 'missing')).rejects.toMatchObject({ code: 'MATTER_NOT_FOUND' });
    await expect(unsafeDestroyDocumentVersions(system(), 'missing', 'all')).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });
  });
});
