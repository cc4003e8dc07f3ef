/** Failures of backup, verify and restore, each with a code the CLI prints (`error CODE: …`). */
export type BackupErrorCode =
  | 'BACKUP_NOT_FOUND'
  | 'BACKUP_TARGET_INVALID'
  | 'BACKUP_RECIPIENT_INVALID'
  | 'BACKUP_IDENTITY_INVALID'
  | 'BACKUP_IDENTITY_WRONG'
  | 'BACKUP_ARCHIVE_DAMAGED'
  | 'BACKUP_MANIFEST_INVALID'
  | 'BACKUP_SIGNATURE_INVALID'
  | 'BACKUP_PART_MISMATCH'
  | 'BACKUP_BLOB_MISSING'
  | 'BACKUP_BLOB_MISMATCH'
  | 'BACKUP_TARGET_NOT_EMPTY'
  | 'BACKUP_SCHEMA_MISMATCH'
  | 'BACKUP_RESTORE_FAILED';

export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}
