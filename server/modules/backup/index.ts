/**
 * Backups and disaster recovery (issue #18): `confidant backup create | verify | restore`.
 * No routes: a backup is an administrator's act on the machine, through the CLI.
 *
 * - `createBackup(services, { to, recipients, includeMasterKey?, progress? })`: a consistent
 *   snapshot as an age archive plus content-addressed blobs and a signed manifest in `to`.
 *   Throws BACKUP_TARGET_INVALID, BACKUP_RECIPIENT_INVALID.
 * - `verifyBackup(dir, { backup?, identity?, verifierKey? })`: throws BACKUP_NOT_FOUND,
 *   BACKUP_MANIFEST_INVALID, BACKUP_SIGNATURE_INVALID, BACKUP_ARCHIVE_DAMAGED, BACKUP_BLOB_MISSING,
 *   BACKUP_BLOB_MISMATCH, and with an identity BACKUP_IDENTITY_INVALID, BACKUP_IDENTITY_WRONG,
 *   BACKUP_PART_MISMATCH.
 * - `restoreBackup(config, dir, { identity, backup?, verifierKey? })`: the checks of verify, then
 *   BACKUP_SCHEMA_MISMATCH, BACKUP_TARGET_NOT_EMPTY, BACKUP_RESTORE_FAILED (undone). Applies the
 *   shred lists (DIR/shreds.jsonl and `shredLists`) to the restored rows; BACKUP_MANIFEST_INVALID
 *   when DIR's list was cut since the newest backup recorded it.
 * - `recordShreds(services, dir)`: appends the keys destroyed in the live database to
 *   DIR/shreds.jsonl. Throws BACKUP_TARGET_INVALID.
 * - `readShredList(path)`: the entries of a shred list file. Throws BACKUP_MANIFEST_INVALID.
 */
export { createBackup, verifyBackup, restoreBackup, listBackups, recordShreds, readShredList, type ShredEntry, type BackupManifest, type BackupProgress, type BackupSummary, type VerifyReport, type RestoreReport } from './backup.service.js';
export { BackupError, type BackupErrorCode } from './backup.errors.js';
