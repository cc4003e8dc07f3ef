/**
 * What the instance knows of its backups: every backup, drill and restore recorded with an audit
 * event (`backup.create`, `backup.drill`), the status the Backups page and the compliance posture
 * read, and the scheduled jobs (backup, drill, shred list) with their failure alerts.
 */
import { raiseAlert, recordEvent } from '../../audit/index.js';
import { describeTargets, requireAccess } from '../../access/index.js';
import { AppError } from '../../platform/errors.js';
import { inTransaction, systemContext, type AppServices, type RequestContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { findBackupRuns, insertBackupRun } from './backup.repository.js';
import type { BackupRunKind, BackupRunsTable } from './backup.tables.js';
import { BackupError } from './backup.errors.js';

export const JOB_BACKUP_CREATE = 'backup.create';
export const JOB_BACKUP_DRILL = 'backup.drill';
export const JOB_BACKUP_SHREDS = 'backup.record-shreds';

const FIRM = { kind: 'firm' } as const;

export interface BackupRunInput {
  kind: BackupRunKind;
  startedAt: number;
  ok: boolean;
  target: string;
  backupId: string | null;
  requestedBy: string | null;
  errorCode: string | null;
  detail: Record<string, number | string | boolean | null>;
}

/** Records a run and its audit event in one transaction (never client content: ids, counts, codes). */
export async function recordBackupRun(ctx: RequestContext, run: BackupRunInput): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await insertBackupRun(tx, {
      id: newId(),
      kind: run.kind,
      started_at: run.startedAt,
      finished_at: tx.app.clock.now(),
      ok: run.ok ? 1 : 0,
      target: run.target,
      backup_id: run.backupId,
      requested_by: run.requestedBy,
      error_code: run.errorCode,
      detail: JSON.stringify(run.detail),
    });
    if (run.kind !== 'restore') {
      await recordEvent(tx, {
        action: run.kind === 'backup' ? 'backup.create' : 'backup.drill',
        outcome: run.ok ? 'allowed' : 'denied',
        ...(run.errorCode ? { reason: run.errorCode } : {}),
        ...(run.backupId ? { resources: { other: { type: 'backup', id: run.backupId } } } : {}),
      });
    }
  });
}

/** A failed scheduled run: an alert the administrators see (never silent). */
export async function alertBackupFailure(services: AppServices, kind: BackupRunKind, code: string): Promise<void> {
  await raiseAlert(services, { rule: 'backup_failure', actorId: null, severity: 'critical', firstIndex: null, lastIndex: null, detail: { kind, code }, contain: false }).catch(() => undefined);
}

/** The error code of a failed run: a BackupError's, an AppError's, else BACKUP_FAILED (no message: it may name paths). */
export function runErrorCode(error: unknown): string {
  if (error instanceof BackupError || error instanceof AppError) return error.code;
  return 'BACKUP_FAILED';
}

export interface BackupRunView {
  id: string;
  kind: BackupRunKind;
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  target: string;
  backupId: string | null;
  /** Who asked for it, by name; null for a schedule or the command line. */
  requestedBy: { id: string; name: string } | null;
  errorCode: string | null;
  detail: Record<string, number | string | boolean | null>;
}

export interface BackupStatus {
  settings: { target: string | null; recipients: number; intervalHours: number; drillsScheduled: boolean; drillIntervalDays: number };
  lastBackup: BackupRunView | null;
  lastSuccessfulBackup: BackupRunView | null;
  lastDrill: BackupRunView | null;
  lastSuccessfulDrill: BackupRunView | null;
  runs: BackupRunView[];
}

const view = (names: Map<string, { name: string }>) => (row: BackupRunsTable): BackupRunView => ({
  id: row.id,
  kind: row.kind,
  startedAt: new Date(row.started_at).toISOString(),
  finishedAt: new Date(row.finished_at).toISOString(),
  ok: row.ok === 1,
  target: row.target,
  backupId: row.backup_id,
  requestedBy: row.requested_by === null ? null : { id: row.requested_by, name: names.get(row.requested_by)?.name ?? 'Former user' },
  errorCode: row.error_code,
  detail: JSON.parse(row.detail) as BackupRunView['detail'],
});

/** Where backups go, printable: the folder, or the s3:// URL without its query. */
export function targetLabel(to: string | null): string | null {
  if (to === null) return null;
  return to.startsWith('s3://') ? to.split('?')[0]! : to;
}

/**
 * The last backups and drills (firm administrator, compliance officer: `audit.status.read`).
 * Also what the compliance posture reads (`lastSuccessful`).
 */
export async function backupStatus(ctx: RequestContext): Promise<BackupStatus> {
  await requireAccess(ctx, 'audit.status.read', FIRM);
  const backup = ctx.app.config.backup;
  const [runs, lastSuccessfulBackup, lastSuccessfulDrill, lastBackup, lastDrill] = await Promise.all([
    findBackupRuns(ctx, { limit: 50 }),
    findBackupRuns(ctx, { kind: 'backup', okOnly: true, limit: 1 }),
    findBackupRuns(ctx, { kind: 'drill', okOnly: true, limit: 1 }),
    findBackupRuns(ctx, { kind: 'backup', limit: 1 }),
    findBackupRuns(ctx, { kind: 'drill', limit: 1 }),
  ]);
  const labels = await describeTargets(ctx, { userIds: [...new Set([...runs, ...lastBackup, ...lastDrill, ...lastSuccessfulBackup, ...lastSuccessfulDrill].flatMap((r) => (r.requested_by ? [r.requested_by] : [])))] });
  const present = view(labels.users);
  const first = (rows: BackupRunsTable[]) => (rows[0] ? present(rows[0]) : null);
  return {
    settings: { target: targetLabel(backup.to), recipients: backup.recipients.length, intervalHours: backup.intervalHours, drillsScheduled: backup.drillIdentityFile !== null, drillIntervalDays: backup.drillIntervalDays },
    lastBackup: first(lastBackup),
    lastSuccessfulBackup: first(lastSuccessfulBackup),
    lastDrill: first(lastDrill),
    lastSuccessfulDrill: first(lastSuccessfulDrill),
    runs: runs.map(present),
  };
}

/** The newest successful run of a kind, for the compliance posture (a system read: no access decision, firm operations data only). */
export async function lastSuccessfulRun(services: AppServices, kind: 'backup' | 'drill'): Promise<{ at: number; backupId: string | null; rtoSeconds: number | null } | null> {
  const [row] = await findBackupRuns(systemContext(services, 'backup.status'), { kind, okOnly: true, limit: 1 });
  if (!row) return null;
  const detail = JSON.parse(row.detail) as { rtoSeconds?: number };
  return { at: row.finished_at, backupId: row.backup_id, rtoSeconds: typeof detail.rtoSeconds === 'number' ? detail.rtoSeconds : null };
}

/**
 * "Back up now" / "Run a drill now" (`settings.manage`): queues the job; the run is recorded when
 * it ends. CONFLICT when the instance has no backup target, recipients or drill identity.
 */
export async function requestBackupRun(ctx: RequestContext, kind: 'backup' | 'drill'): Promise<{ queued: true }> {
  await requireAccess(ctx, 'settings.manage', FIRM);
  const backup = ctx.app.config.backup;
  if (!backup.to || backup.recipients.length === 0) throw new AppError('CONFLICT', 'No backup target is configured: set BACKUP_TO and BACKUP_RECIPIENTS');
  if (kind === 'drill' && !backup.drillIdentityFile) throw new AppError('CONFLICT', 'No drill identity is configured: set BACKUP_DRILL_IDENTITY_FILE');
  const requestedBy = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  await recordEvent(ctx, { action: 'backup.request', outcome: 'allowed', reason: kind });
  await ctx.app.jobs.enqueue(kind === 'backup' ? JOB_BACKUP_CREATE : JOB_BACKUP_DRILL, requestedBy ? { requestedBy } : {});
  return { queued: true };
}
