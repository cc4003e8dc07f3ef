/** Reads the plain ustar archives `backup create` writes (ASCII names, regular files only). */
import { BackupError } from './backup.errors.js';

export function readTar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  for (;;) {
    const header = archive.subarray(offset, offset + 512);
    if (header.length < 512) throw new BackupError('BACKUP_ARCHIVE_DAMAGED', 'the tar archive inside is cut short');
    if (header.every((b) => b === 0)) return files;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('latin1').replace(/\0.*$/s, '').trim();
    const name = field(0, 100);
    const size = Number.parseInt(field(124, 12), 8);
    const type = field(156, 1);
    if (!Number.isSafeInteger(size) || size < 0) throw new BackupError('BACKUP_ARCHIVE_DAMAGED', 'a tar header inside is malformed');
    const start = offset + 512;
    if (start + size > archive.length) throw new BackupError('BACKUP_ARCHIVE_DAMAGED', 'the tar archive inside is cut short');
    if (type === '0' || type === '') files.set(name, archive.subarray(start, start + size));
    offset = start + size + ((512 - (size % 512)) % 512);
  }
}
