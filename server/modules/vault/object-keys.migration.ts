/**
 * Moves legacy document blobs — encrypted under the client data key alone, from before per-object
 * keys — to object keys, so that each can later be destroyed on its own (docs/cryptography.md).
 *
 * Every legacy version (`object_key_id` null) of a client that was not shredded is decrypted and
 * re-encrypted into a new blob under a new object key (derived from the client's current key
 * version), streamed; then one short transaction per version points the row at the new blob,
 * inserts the object key and records `document.reencrypt` (reason OBJECT_KEY); the old blob is
 * deleted after that commit. Idempotent and resumable: the row moves only if it still names the
 * old blob and no object key, so a crash leaves either the old row or the new one, never both
 * referenced — the blob left over (new before the commit, old after it) is an orphan the blob
 * sweeper removes. Runs at the vault's start (in the background) and hourly (`vault.object-keys.migrate`);
 * does nothing while sealed.
 */
import type { ClientId } from '../../../common/ids.js';
import { recordEvent } from '../../audit/index.js';
import type { AppServices, RequestContext } from '../../platform/context.js';
import { inTransaction, systemContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { isClientShredded, isSealed, unsafeClientKey, unsafeNewObjectKey } from '../keys/index.js';
import { unsafeFindLegacyDocumentVersions, unsafeMoveLegacyVersionBlob, type VersionOfMatter } from './documents.repository.js';
import { blobContext, commitOrDiscard, openStoredContent, storeContent } from './documents.streaming.js';

export const JOB_MIGRATE_OBJECT_KEYS = 'vault.object-keys.migrate';
export const MIGRATE_OBJECT_KEYS_INTERVAL_MS = 3_600_000;
const BATCH = 100;

export interface ObjectKeyMigrationResult {
  /** Versions moved to an object key by this run. */
  migrated: number;
  /** Versions left alone: their client was shredded (nothing to re-encrypt with), or another run moved them first. */
  skipped: number;
  /** Versions that failed (logged by id; retried on the next run). */
  failed: number;
}

// One run at a time per instance; a call while one runs starts after it (and sees what it left).
const chains = new WeakMap<AppServices, Promise<unknown>>();
// Instances shutting down: a run stops after the version it is moving.
const stopped = new WeakSet<AppServices>();

/**
 * Re-encrypts every legacy version into an object-keyed blob (see the file comment). System actor:
 * a job with no authorization, so it uses the keys module's `unsafe…` functions (raw client ids).
 * Returns the counts of this run; does nothing while sealed. Throws AUDIT_UNAVAILABLE.
 */
export async function migrateBlobsToObjectKeys(services: AppServices): Promise<ObjectKeyMigrationResult> {
  const previous = chains.get(services) ?? Promise.resolve();
  const done = previous.catch(() => undefined).then(() => migrateAll(services));
  chains.set(services, done);
  return done;
}

/** Stops a run in progress after the version it is moving, and waits for it (the module's stop). */
export async function stopObjectKeyMigration(services: AppServices): Promise<void> {
  stopped.add(services);
  await chains.get(services)?.catch(() => undefined);
}

async function migrateAll(services: AppServices): Promise<ObjectKeyMigrationResult> {
  const result: ObjectKeyMigrationResult = { migrated: 0, skipped: 0, failed: 0 };
  if (isSealed(services)) return result;
  const ctx = systemContext(services, JOB_MIGRATE_OBJECT_KEYS);
  const shredded = new Map<string, boolean>();
  let after = '';
  while (!stopped.has(services)) {
    const batch = await unsafeFindLegacyDocumentVersions(ctx, after, BATCH);
    if (batch.length === 0) break;
    after = batch[batch.length - 1]!.id;
    for (const version of batch) {
      if (stopped.has(services)) break;
      let gone = shredded.get(version.client_id);
      if (gone === undefined) shredded.set(version.client_id, (gone = await isClientShredded(ctx, version.client_id as ClientId)));
      if (gone) {
        result.skipped += 1;
        continue;
      }
      try {
        if (await migrateVersion(ctx, version)) result.migrated += 1;
        else result.skipped += 1;
      } catch (error) {
        if (error instanceof AppError && error.code === 'KEY_DESTROYED') {
          result.skipped += 1;
          continue;
        }
        if (error instanceof AppError && (error.code === 'AUDIT_UNAVAILABLE' || error.code === 'SEALED')) throw error;
        result.failed += 1;
        services.logger.error({ documentId: version.document_id, version: version.version, err: error instanceof Error ? error.name : 'unknown' }, 'object key migration: version left under the client key; retried by the next run');
      }
    }
  }
  if (result.migrated > 0 || result.failed > 0) services.logger.info({ ...result }, 'moved legacy document blobs to object keys');
  return result;
}

/** One version: false when another run (or a re-encryption) moved it first. */
async function migrateVersion(ctx: RequestContext, version: VersionOfMatter): Promise<boolean> {
  const clientId = version.client_id as ClientId;
  const oldKey = await unsafeClientKey(ctx, clientId, version.key_version);
  const objectKey = await unsafeNewObjectKey(ctx, clientId, version.matter_id);
  const plaintext = await openStoredContent(ctx, version, oldKey, blobContext(version.document_id, version.version, clientId, version.key_version));
  const stored = await storeContent(ctx, plaintext, objectKey.dataKey, blobContext(version.document_id, version.version, clientId, objectKey.keyVersion));
  const moved = await commitOrDiscard(ctx, stored.blobId, async () => {
    if (stored.size !== version.size) throw new Error('re-encrypted size differs from the version’s');
    return inTransaction(ctx, async (tx) => {
      if (!(await unsafeMoveLegacyVersionBlob(tx, version, { blobId: stored.blobId, keyVersion: objectKey.keyVersion, sealedSize: stored.sealedSize, objectKeyId: objectKey.id }))) return false;
      await objectKey.persist(tx);
      await recordEvent(tx, {
        action: 'document.reencrypt',
        outcome: 'allowed',
        reason: 'OBJECT_KEY',
        resources: { clientId, matterId: version.matter_id, documentId: version.document_id, other: { type: 'document_version', id: String(version.version) } },
      });
      return true;
    });
  });
  if (!moved) {
    // Another run moved it: this blob is referenced by nothing.
    await ctx.app.blobs.delete(stored.blobId).catch(() => undefined);
    return false;
  }
  await ctx.app.blobs.delete(version.blob_id);
  return true;
}
