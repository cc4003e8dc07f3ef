// The words of the Backups page: error codes in plain words, the schedule, a run's key figures,
// durations and "how long ago". Figures come from a run's `detail` (counts and durations only).
import { formatBytes } from '../../lib/format';
import type { BackupRun } from './api';

/** What a failed run's error code means, for the person reading the page; unknown codes are shown as they are. */
const ERROR_WORDS: Record<string, string> = {
  INTEGRITY_ERROR: 'a document did not decrypt',
  AUDIT_VERIFY_FAILED: 'the audit log did not verify',
  BACKUP_BLOB_MISMATCH: 'a stored blob changed',
  BACKUP_BLOB_MISSING: 'a stored blob is missing',
  BACKUP_NOT_FOUND: 'there is no backup to use',
  BACKUP_TARGET_INVALID: 'the backup target cannot be used',
  BACKUP_RECIPIENT_INVALID: 'a backup recipient is not a valid age key',
  BACKUP_IDENTITY_INVALID: 'the drill identity file is not a valid age identity',
  BACKUP_IDENTITY_WRONG: 'the drill identity does not open this backup',
  BACKUP_ARCHIVE_DAMAGED: 'the backup archive is damaged',
  BACKUP_MANIFEST_INVALID: 'the backup manifest is not valid',
  BACKUP_SIGNATURE_INVALID: 'the backup manifest is not signed by this firm',
  BACKUP_PART_MISMATCH: 'a part of the backup changed',
  BACKUP_TARGET_NOT_EMPTY: 'the restore target is not empty',
  BACKUP_SCHEMA_MISMATCH: 'the backup is from another version of Confidant',
  BACKUP_RESTORE_FAILED: 'the backup could not be restored',
  BACKUP_FAILED: 'it stopped with an unexpected error (see the server log)',
};

/** "a document did not decrypt (INTEGRITY_ERROR)"; an unknown code as it is. */
export function errorInWords(code: string | null): string {
  if (!code) return 'it failed without an error code';
  const words = ERROR_WORDS[code];
  return words ? `${words} (${code})` : code;
}

export const KIND_LABELS: Record<BackupRun['kind'], string> = { backup: 'Backup', drill: 'Drill', restore: 'Restore' };

/** A number from a run's detail, or null when it is missing or not a number. */
export function figure(run: BackupRun, key: string): number | null {
  const value = run.detail[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** 42 s, 3 min 5 s, 2 h 10 min. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return total % 60 ? `${minutes} min ${total % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "5 minutes ago", "yesterday", in the reader's locale. */
export function formatRelative(iso: string, now = Date.now()): string {
  let value = (new Date(iso).getTime() - now) / 1000;
  const words = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(value) < size) return words.format(Math.round(value), unit);
    value /= size;
  }
  return words.format(Math.round(value), 'year');
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** A schedule in words: what (`value`) and, when none is set, who runs them instead (`hint`). */
export interface ScheduleWords {
  value: string;
  hint?: string;
}

/** "every 6 hours" / "not scheduled — a cron job or the command line runs them". */
export function scheduleInWords(intervalHours: number): ScheduleWords {
  if (intervalHours <= 0) return { value: 'not scheduled', hint: 'a cron job or the command line runs them' };
  return { value: intervalHours === 1 ? 'every hour' : `every ${intervalHours} hours` };
}

/** "every 7 days" / "not scheduled — run by hand where the backup identity is kept". */
export function drillScheduleInWords(scheduled: boolean, intervalDays: number): ScheduleWords {
  if (!scheduled) return { value: 'not scheduled', hint: 'run by hand (confidant backup drill) where the backup identity is kept' };
  return { value: intervalDays === 1 ? 'every day' : `every ${intervalDays} days` };
}

/** A run's key figures in a few words (counts and durations, never content). */
export function runFigures(run: BackupRun): string[] {
  const out: string[] = [];
  const n = (key: string) => figure(run, key);
  if (run.kind === 'backup') {
    const blobs = n('blobs');
    const copied = n('copiedBlobs');
    const copiedBytes = n('copiedBytes');
    const archive = n('archiveSize');
    if (blobs !== null) out.push(`${plural(blobs, 'blob', 'blobs')}${copied !== null ? `, ${copied.toLocaleString()} new` : ''}`);
    if (copiedBytes !== null) out.push(`${formatBytes(copiedBytes)} copied`);
    if (archive !== null) out.push(`archive ${formatBytes(archive)}`);
    const rows = n('rows');
    if (rows !== null) out.push(plural(rows, 'row', 'rows'));
    const seconds = n('seconds');
    if (seconds !== null) out.push(`took ${formatDuration(seconds)}`);
  } else if (run.kind === 'drill') {
    const checked = n('documentsChecked');
    const failed = n('documentsFailed');
    if (checked !== null) out.push(`${plural(checked, 'document', 'documents')} checked${failed ? `, ${failed.toLocaleString()} failed` : ''}`);
    const events = n('auditEvents');
    if (events !== null) out.push(`${plural(events, 'audit event', 'audit events')} verified`);
    const rto = n('rtoSeconds');
    if (rto !== null) out.push(`recovered in ${formatDuration(rto)}`);
  } else {
    const rows = n('rows');
    const blobs = n('blobs');
    if (rows !== null) out.push(plural(rows, 'row', 'rows'));
    if (blobs !== null) out.push(plural(blobs, 'blob', 'blobs'));
  }
  return out;
}
