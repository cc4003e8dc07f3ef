/**
 * Document blobs under per-object keys: every upload and version gets its own object key, reads
 * and re-encryption go through it, and the migration job moves legacy blobs (under the client key
 * alone) to object keys — one short transaction per version, idempotent, content unchanged.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientId } from '../../../common/ids.js';
import { tablesOf } from '../../platform/db/database.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildDocument, buildMatter, buildSession, buildUser, type BuiltDocument, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import type { KeysTables } from '../keys/keys.tables.js';
import { unsafeClientKey, unsafeObjectDataKey, unsafeRotateClientKey, unsafeShredClientKeys } from '../keys/index.js';
import { blobContext, openStoredContent, storeContent } from './documents.streaming.js';
import { migrateBlobsToObjectKeys } from './index.js';
import type { VaultTables } from './vault.tables.js';

describe.each(DIALECTS)('document blobs under object keys on %s', (dialect) => {
  let instance: TestInstance;
  let lead: BuiltUser;

  const db = () => tablesOf<VaultTables & KeysTables>(instance.services.database.db);
  const versionsOf = (documentId: string) => db().selectFrom('vault_document_versions').selectAll().where('document_id', '=', documentId).orderBy('version').execute();
  const download = async (documentId: string, user: BuiltUser, query = '', headers: Record<string, string> = {}) => instance.app.inject({ method: 'GET', url: `/api/v1/documents/${documentId}/content${query}`, headers: { ...user.headers, ...headers } });
  const blobExists = async (blobId: string) => (await instance.services.blobs.size(blobId).catch(() => null)) !== null;

  /**
   * Turns version `number` of a document into a legacy one, as written before object keys: its
   * content re-encrypted under the client key alone into a new blob, the row naming no object key,
   * the object key row gone (it never existed for such blobs).
   */
  async function makeLegacy(document: BuiltDocument, number = 1): Promise<string> {
    const ctx = instance.system('legacy');
    const clientId = document.matter.clientId;
    const [version] = (await versionsOf(document.id)).filter((v) => v.version === number);
    const row = { ...version!, size: Number(version!.size), sealed_size: Number(version!.sealed_size) };
    const plaintext = await openStoredContent(ctx, row, await unsafeObjectDataKey(ctx, clientId, row.object_key_id!, row.key_version), blobContext(document.id, number, clientId, row.key_version));
    const stored = await storeContent(ctx, plaintext, await unsafeClientKey(ctx, clientId, row.key_version), blobContext(document.id, number, clientId, row.key_version));
    await db().updateTable('vault_document_versions').set({ blob_id: stored.blobId, sealed_size: stored.sealedSize, object_key_id: null }).where('id', '=', row.id).execute();
    await db().deleteFrom('keys_object_keys').where('id', '=', row.object_key_id!).execute();
    await instance.services.blobs.delete(row.blob_id);
    return stored.blobId;
  }

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    lead = await buildUser(instance, { role: 'attorney' });
  });
  afterAll(async () => instance?.close());

  it('each upload and each version gets its own object key for its matter; the content reads back whole and by range', async () => {
    const matter = await buildMatter(instance, { lead });
    const content = Buffer.from(`first version ${randomBytes(8).toString('hex')}`);
    const document = await buildDocument(instance, { matter, content });
    const second = Buffer.from(`second version ${randomBytes(8).toString('hex')}`);
    const added = await instance.app.inject({ method: 'POST', url: `/api/v1/documents/${document.id}/versions`, headers: { ...lead.headers, 'content-type': 'application/octet-stream' }, payload: second });
    expect(added.statusCode, added.body).toBe(201);
    const versions = await versionsOf(document.id);
    expect(versions.map((v) => v.object_key_id)).toEqual([expect.any(String), expect.any(String)]);
    expect(versions[0]!.object_key_id).not.toBe(versions[1]!.object_key_id);
    const keys = await db().selectFrom('keys_object_keys').selectAll().where('id', 'in', versions.map((v) => v.object_key_id!)).execute();
    expect(keys).toHaveLength(2);
    expect(keys.every((k) => k.client_id === matter.clientId && k.matter_id === matter.id && k.state === 'active' && k.wrapped_key !== null)).toBe(true);
    // The blob opens with the object's data key, not with the client key alone.
    const ctx = instance.system();
    const row = { ...versions[0]!, size: Number(versions[0]!.size), sealed_size: Number(versions[0]!.sealed_size) };
    await expect(
      (async () => {
        const stream = await openStoredContent(ctx, row, await unsafeClientKey(ctx, matter.clientId, row.key_version), blobContext(document.id, 1, matter.clientId, row.key_version));
        for await (const chunk of stream) void chunk;
      })(),
    ).rejects.toThrow();
    expect((await download(document.id, lead)).rawPayload.equals(second)).toBe(true);
    expect((await download(document.id, lead, '?version=1')).rawPayload.equals(content)).toBe(true);
    const ranged = await download(document.id, lead, '?version=1', { range: 'bytes=6-12' });
    expect(ranged.statusCode).toBe(206);
    expect(ranged.rawPayload.equals(content.subarray(6, 13))).toBe(true);
  });

  it('re-encryption after a client key rotation moves each version to a new object key and destroys the one it replaced', async () => {
    const matter = await buildMatter(instance, { lead });
    const content = Buffer.from(`rotated ${randomBytes(8).toString('hex')}`);
    const document = await buildDocument(instance, { matter, content });
    const [before] = await versionsOf(document.id);
    await unsafeRotateClientKey(instance.system(), matter.clientId);
    const admin = await buildUser(instance, { role: 'firm_admin' });
    const headers = (await buildSession(instance, admin)).headers;
    const moved = await instance.app.inject({ method: 'POST', url: `/api/v1/clients/${matter.clientId}/keys/reencrypt`, headers });
    expect(moved.json()).toEqual({ reencrypted: 1, keyVersion: 2 });
    const [after] = await versionsOf(document.id);
    expect(after).toMatchObject({ key_version: 2, object_key_id: expect.any(String) });
    expect(after!.object_key_id).not.toBe(before!.object_key_id);
    expect(await db().selectFrom('keys_object_keys').select(['state', 'wrapped_key']).where('id', '=', before!.object_key_id!).executeTakeFirst()).toEqual({ state: 'destroyed', wrapped_key: null });
    expect(await blobExists(before!.blob_id)).toBe(false);
    expect((await download(document.id, lead)).rawPayload.equals(content)).toBe(true);
  });

  it('the migration job moves legacy blobs to object keys: same content, old blob deleted, audited, idempotent; shredded clients are left alone', async () => {
    const matter = await buildMatter(instance, { lead });
    const content = Buffer.from(`legacy ${randomBytes(16).toString('hex')} `.repeat(3000));
    const document = await buildDocument(instance, { matter, content });
    const legacyBlob = await makeLegacy(document);
    const [legacy] = await versionsOf(document.id);
    expect(legacy!.object_key_id).toBeNull();
    // A legacy blob stays readable (under the client key alone).
    expect((await download(document.id, lead)).rawPayload.equals(content)).toBe(true);
    // One of a shredded client: nothing to re-encrypt it with, skipped.
    const shredded = await buildDocument(instance, { by: lead });
    await makeLegacy(shredded);
    await unsafeShredClientKeys(instance.system(), shredded.matter.clientId as ClientId);

    const result = await migrateBlobsToObjectKeys(instance.services);
    expect(result).toMatchObject({ migrated: 1, failed: 0 });
    expect(result.skipped).toBeGreaterThanOrEqual(1);
    const [migrated] = await versionsOf(document.id);
    expect(migrated!.object_key_id).not.toBeNull();
    expect(migrated!.blob_id).not.toBe(legacyBlob);
    expect(Number(migrated!.size)).toBe(content.length);
    expect(await blobExists(legacyBlob)).toBe(false);
    const key = await db().selectFrom('keys_object_keys').selectAll().where('id', '=', migrated!.object_key_id!).executeTakeFirstOrThrow();
    expect(key).toMatchObject({ client_id: matter.clientId, matter_id: matter.id, state: 'active' });
    const fetched = await download(document.id, lead);
    expect(fetched.statusCode).toBe(200);
    expect(fetched.rawPayload.equals(content)).toBe(true);
    const events = await instance.services.database.db.selectFrom('audit_event').select(['actor_type', 'reason', 'client_id', 'matter_id', 'other_type', 'other_id']).where('action', '=', 'document.reencrypt').where('document_id', '=', document.id).execute();
    expect(events).toEqual([{ actor_type: 'system', reason: 'OBJECT_KEY', client_id: matter.clientId, matter_id: matter.id, other_type: 'document_version', other_id: '1' }]);
    // Again: nothing left to move.
    expect((await migrateBlobsToObjectKeys(instance.services)).migrated).toBe(0);
    const [shreddedVersion] = await versionsOf(shredded.id);
    expect(shreddedVersion!.object_key_id).toBeNull();
  });

  it('two runs at once (start-up and the hourly job) are serialized: the version moves once', async () => {
    const document = await buildDocument(instance, { by: lead });
    const legacyBlob = await makeLegacy(document);
    // The second finds nothing to do.
    const [first, second] = await Promise.all([migrateBlobsToObjectKeys(instance.services), migrateBlobsToObjectKeys(instance.services)]);
    expect(first.migrated + second.migrated).toBe(1);
    expect(await blobExists(legacyBlob)).toBe(false);
    const [version] = await versionsOf(document.id);
    expect(await blobExists(version!.blob_id)).toBe(true);
    expect((await db().selectFrom('keys_object_keys').select('id').where('id', '=', version!.object_key_id!).execute()).length).toBe(1);
  });
});
