/** Request and response schemas of the backup routes: the status of backups and drills, and "run now". */
import { Type } from 'typebox';

const Detail = Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()]), { description: 'Counts and durations: rows, blobs, copied bytes, audit events, documents checked, rtoSeconds …' });

export const BackupRunSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('backup'), Type.Literal('drill'), Type.Literal('restore')]),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.String({ format: 'date-time' }),
  ok: Type.Boolean(),
  target: Type.String({ description: 'The backup folder, or the s3:// location without its query' }),
  backupId: Type.Union([Type.String(), Type.Null()]),
  requestedBy: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()], { description: 'Who asked for it, by name; null for a schedule or the command line' }),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  detail: Detail,
});

const MaybeRun = Type.Union([BackupRunSchema, Type.Null()]);

export const BackupStatusSchema = Type.Object({
  settings: Type.Object({
    target: Type.Union([Type.String(), Type.Null()]),
    recipients: Type.Integer({ description: 'How many age recipients backups are encrypted to' }),
    intervalHours: Type.Integer({ description: 'Hours between scheduled backups; 0: none scheduled' }),
    drillsScheduled: Type.Boolean(),
    drillIntervalDays: Type.Integer(),
  }),
  lastBackup: MaybeRun,
  lastSuccessfulBackup: MaybeRun,
  lastDrill: MaybeRun,
  lastSuccessfulDrill: MaybeRun,
  runs: Type.Array(BackupRunSchema, { description: 'The newest 50 runs, newest first' }),
});

export const RunNowBody = Type.Object({ kind: Type.Union([Type.Literal('backup'), Type.Literal('drill')]) }, { additionalProperties: false });
export const QueuedSchema = Type.Object({ queued: Type.Literal(true) });
