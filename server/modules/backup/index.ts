/**
 * Backups and disaster recovery (issue #18): `confidant backup create | verify | restore | drill |
 * record-shreds`, to a folder or an S3-compatible bucket; scheduled backups and drills from the
 * settings; the Backups page (`GET /backups`, `POST /backups/run`).
 *
 * - `createBackup(services, { to, recipients, includeMasterKey?, progress?, requestedBy? })`: a
 *   consistent snapshot as an age archive plus content-addressed blobs and a signed manifest in
 *   `to` (a folder or s3://…); recorded as a run with a `backup.create` event.
 *   Throws BACKUP_TARGET_INVALID, BACKUP_RECIPIENT_INVALID.
 * - `verifyBackup(source, { backup?, identity?, verifierKey? })`: throws BACKUP_NOT_FOUND,
 *   BACKUP_MANIFEST_INVALID, BACKUP_SIGNATURE_INVALID, BACKUP_ARCHIVE_DAMAGED, BACKUP_BLOB_MISSING,
 *   BACKUP_BLOB_MISMATCH, and with an identity BACKUP_IDENTITY_INVALID, BACKUP_IDENTITY_WRONG,
 *   BACKUP_PART_MISMATCH.
 * - `restoreBackup(config, source, { identity, backup?, verifierKey? })`: the checks of verify,
 *   then BACKUP_SCHEMA_MISMATCH, BACKUP_TARGET_NOT_EMPTY, BACKUP_RESTORE_FAILED (undone). Applies
 *   the shred lists (the source's shreds.jsonl and `shredLists`) to the restored rows;
 *   BACKUP_MANIFEST_INVALID when the source's list was cut since the newest backup recorded it.
 * - `runDrill(services, { source, identity, backup?, compose })`: restore into a scratch
 *   instance, verify the audit log, decrypt every document, record result and RTO. Never throws
 *   for a failed drill.
 * - `checkRestoredInstance(config, compose)`: the audit log verifies and every live document
 *   version decrypts (after a restore; `confidant backup check`).
 * - `recordShreds(services, to)`: adds the keys destroyed in the live database to the target's
 *   shreds.jsonl. Throws BACKUP_TARGET_INVALID.
 * - `readShredList(path)`: the entries of a shred list file. Throws BACKUP_MANIFEST_INVALID.
 * - `backupStatus(ctx)` (`audit.status.read`), `requestBackupRun(ctx, kind)` (`settings.manage`;
 *   CONFLICT when nothing is configured), `lastSuccessfulRun(services, kind)` for the compliance posture.
 */
import { readFile } from 'node:fs/promises';
import type { ClientId } from '../../../common/ids.js';
import type { AppServices, RequestContext } from '../../platform/context.js';
import type { ConfidantModule } from '../../platform/module.js';
import { backupRoutes } from './backup.routes.js';
import { createBackup, recordShreds } from './backup.service.js';
import { runDrill } from './drill.service.js';
import { alertBackupFailure, JOB_BACKUP_CREATE, JOB_BACKUP_DRILL, JOB_BACKUP_SHREDS, runErrorCode } from './runs.service.js';

export { createBackup, verifyBackup, restoreBackup, listBackups, recordShreds, readShredList, type ShredEntry, type BackupManifest, type BackupProgress, type BackupSummary, type VerifyReport, type RestoreReport } from './backup.service.js';
export { openBackupTarget, type BackupTarget } from './backup-target.js';
export { checkRestoredInstance, runDrill, type DrillResult, type RestoredChecks } from './drill.service.js';
export { backupStatus, lastSuccessfulRun, requestBackupRun, JOB_BACKUP_CREATE, JOB_BACKUP_DRILL, JOB_BACKUP_SHREDS, type BackupStatus, type BackupRunView } from './runs.service.js';
export { BackupError, type BackupErrorCode } from './backup.errors.js';

const HOUR_MS = 3_600_000;
const composers = new WeakMap<AppServices, (services: AppServices) => void>();

/** The composition root hands over how to wire a scratch instance's modules (the drill restores into one). */
export function installBackupComposer(services: AppServices, compose: (services: AppServices) => void): void {
  composers.set(services, compose);
}

/** Queued inside every key-destroying transaction: the job reads what committed (docs/backup.md). */
async function queueShredListUpdate(tx: RequestContext, _clientId: ClientId): Promise<void> {
  if (tx.app.config.backup.to) await tx.app.jobs.enqueue(JOB_BACKUP_SHREDS);
}

async function scheduledBackup(services: AppServices, payload: Record<string, unknown>): Promise<void> {
  const { to, recipients } = services.config.backup;
  if (!to || recipients.length === 0) return;
  try {
    await createBackup(services, { to, recipients, ...(typeof payload.requestedBy === 'string' ? { requestedBy: payload.requestedBy } : {}) });
  } catch (error) {
    await alertBackupFailure(services, 'backup', runErrorCode(error));
    throw error;
  }
}

async function scheduledDrill(services: AppServices, payload: Record<string, unknown>): Promise<void> {
  const { to, drillIdentityFile } = services.config.backup;
  if (!to || !drillIdentityFile) return;
  const identity = await readFile(drillIdentityFile, 'utf8').catch(() => null);
  if (identity === null) {
    await alertBackupFailure(services, 'drill', 'BACKUP_IDENTITY_INVALID');
    return;
  }
  const result = await runDrill(services, { source: to, identity, compose: composers.get(services) ?? (() => undefined), ...(typeof payload.requestedBy === 'string' ? { requestedBy: payload.requestedBy } : {}) });
  if (!result.ok) await alertBackupFailure(services, 'drill', result.error ?? 'BACKUP_DRILL_FAILED');
}

export const backupModule: ConfidantModule = {
  name: 'backup',
  provides: { keys: { onKeysDestroyed: [queueShredListUpdate] } },
  routes: async (app) => backupRoutes(app),
  start: async (services) => {
    const backup = services.config.backup;
    services.jobs.register(JOB_BACKUP_CREATE, (payload) => scheduledBackup(services, payload), { retryLimit: 1 });
    services.jobs.register(JOB_BACKUP_DRILL, (payload) => scheduledDrill(services, payload), { retryLimit: 1 });
    services.jobs.register(
      JOB_BACKUP_SHREDS,
      async () => {
        if (backup.to) await recordShreds(services, backup.to);
      },
      { retryLimit: 3 },
    );
    if (backup.to && backup.recipients.length > 0 && backup.intervalHours > 0) services.jobs.schedule(JOB_BACKUP_CREATE, backup.intervalHours * HOUR_MS);
    if (backup.to && backup.drillIdentityFile) services.jobs.schedule(JOB_BACKUP_DRILL, backup.drillIntervalDays * 24 * HOUR_MS);
    // A catch-up for a shred whose queued update ran before its transaction committed.
    if (backup.to) services.jobs.schedule(JOB_BACKUP_SHREDS, HOUR_MS);
  },
};
