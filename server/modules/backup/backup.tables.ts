/** The table the backup module owns (migration 2026-12-04T175000_backup_runs). */

export type BackupRunKind = 'backup' | 'drill' | 'restore';

/** One backup, drill or restore: firm operations data (ids, counts, error codes), no client content. */
export interface BackupRunsTable {
  id: string;
  kind: BackupRunKind;
  started_at: number;
  finished_at: number;
  ok: number;
  /** The folder or s3:// location (no query: no endpoint secrets). */
  target: string;
  backup_id: string | null;
  /** The person who asked for it, or null for a schedule or the CLI. */
  requested_by: string | null;
  error_code: string | null;
  /** JSON: counts and durations (rows, blobs, bytes, audit events, documents checked, RTO). */
  detail: string;
}

export interface BackupTables {
  backup_runs: BackupRunsTable;
}
