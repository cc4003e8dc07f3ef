import { describe, expect, it } from 'vitest';
import type { BackupRun } from './api';
import { drillScheduleInWords, errorInWords, formatDuration, formatRelative, runFigures, scheduleInWords } from './labels';

const run = (kind: BackupRun['kind'], detail: BackupRun['detail']): BackupRun => ({ id: 'r', kind, startedAt: '2026-12-04T10:00:00.000Z', finishedAt: '2026-12-04T10:01:00.000Z', ok: true, target: '/backups', backupId: 'b', requestedBy: null, errorCode: null, detail });

describe('the words of the Backups page', () => {
  it('says error codes in plain words, unknown codes as they are', () => {
    expect(errorInWords('INTEGRITY_ERROR')).toBe('a document did not decrypt (INTEGRITY_ERROR)');
    expect(errorInWords('BACKUP_BLOB_MISMATCH')).toBe('a stored blob changed (BACKUP_BLOB_MISMATCH)');
    expect(errorInWords('AUDIT_VERIFY_FAILED')).toBe('the audit log did not verify (AUDIT_VERIFY_FAILED)');
    expect(errorInWords('SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });

  it('says the schedules', () => {
    expect(scheduleInWords(6)).toEqual({ value: 'every 6 hours' });
    expect(scheduleInWords(0)).toEqual({ value: 'not scheduled', hint: 'a cron job or the command line runs them' });
    expect(drillScheduleInWords(true, 7)).toEqual({ value: 'every 7 days' });
    expect(drillScheduleInWords(false, 7).value).toBe('not scheduled');
  });

  it('says durations and how long ago', () => {
    expect(formatDuration(4.25)).toBe('4.3 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 5 s');
    expect(formatDuration(7800)).toBe('2 h 10 min');
    const now = Date.parse('2026-12-04T12:00:00.000Z');
    expect(formatRelative('2026-12-04T11:55:00.000Z', now)).toMatch(/5 minutes ago/);
    expect(formatRelative('2026-12-04T06:00:00.000Z', now)).toMatch(/6 hours ago/);
  });

  it("gives a run's key figures", () => {
    expect(runFigures(run('backup', { blobs: 12, copiedBlobs: 2, copiedBytes: 2048, archiveSize: 5 * 1024 * 1024, rows: 1, seconds: 42 }))).toEqual(['12 blobs, 2 new', '2.0 KiB copied', 'archive 5.0 MiB', '1 row', 'took 42 s']);
    expect(runFigures(run('drill', { documentsChecked: 3, documentsFailed: 1, auditEvents: 10, rtoSeconds: 90 }))).toEqual(['3 documents checked, 1 failed', '10 audit events verified', 'recovered in 1 min 30 s']);
    expect(runFigures(run('backup', {}))).toEqual([]);
  });
});
