/**
 * Removes encrypted document blobs that no document version references: left behind when the
 * process died between storing a blob and committing its row, or between re-encrypting a
 * version and deleting its old blob; and unfinished writes (temporary files, multipart uploads)
 * a crash cut short. Only what is older than a grace period is touched, so an upload still
 * committing is never swept. Runs as a scheduled job on a system context.
 */
import { recordEvent } from '../../audit/index.js';
import type { AppServices } from '../../platform/context.js';
import { systemContext } from '../../platform/context.js';
import { findReferencedBlobIds } from './documents.repository.js';

/** Every document blob id ends with this, so the sweeper never touches another module's blobs. */
export const DOCUMENT_BLOB_SUFFIX = '-doc';
export const JOB_SWEEP_BLOBS = 'vault.sweep-orphan-blobs';
const BATCH = 500;

export async function sweepOrphanBlobs(services: AppServices, options: { graceMs?: number; now?: number } = {}): Promise<{ examined: number; removed: number; incomplete: number }> {
  const cutoff = (options.now ?? services.clock.now()) - (options.graceMs ?? 3_600_000);
  // Blob ids only: no client row is read, so no authorization is needed.
  const ctx = systemContext(services, JOB_SWEEP_BLOBS);
  let examined = 0;
  let removed = 0;
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const referenced = await findReferencedBlobIds(ctx, batch);
    for (const id of batch) {
      if (referenced.has(id)) continue;
      await services.blobs.delete(id);
      removed++;
    }
    batch = [];
  };
  for await (const blob of services.blobs.list(DOCUMENT_BLOB_SUFFIX)) {
    examined++;
    if (blob.modifiedAt > cutoff) continue;
    batch.push(blob.id);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  // Writes a crash cut before the blob became visible (temporary files, open multipart uploads).
  const incomplete = await services.blobs.removeIncomplete(cutoff);
  if (incomplete > 0) services.logger.info({ incomplete }, 'removed unfinished blob writes');
  if (removed > 0) {
    services.logger.info({ removed, examined }, 'removed unreferenced document blobs');
    await recordEvent(ctx, { action: 'document.orphan_blobs_removed', outcome: 'allowed', purpose: `${removed} unreferenced encrypted blob(s) removed` });
  }
  return { examined, removed, incomplete };
}
