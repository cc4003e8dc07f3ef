/**
 * `backup create | verify | restore`. A backup in DIR is
 *
 *   DIR/backups/<id>/archive.tar.age   the database (one JSON-lines file per table), the audit
 *                                      checkpoint signing key and, when asked, the master key:
 *                                      a tar inside age (X25519 recipients)
 *   DIR/backups/<id>/manifest.json     what the backup holds, SHA-256 and size of every part and
 *                                      blob, signed with the audit checkpoint key (written last)
 *   DIR/blobs/<sha256>                 document blobs (already ciphertext), content-addressed and
 *                                      shared by every backup in DIR
 *
 * See docs/backup.md.
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import SqliteDatabase from 'better-sqlite3';
import canonicalize from 'canonicalize';
import { Kysely, SqliteDialect } from 'kysely';
import type { Config } from '../../config.js';
import { checkDetachedSignature, signDetached, signingKeyPath, type DetachedSignature } from '../../audit/index.js';
import { fileHeaders, padding } from '../../platform/archive/tar.js';
import type { BlobStore } from '../../platform/blobs/blob-store.js';
import { openBlobStore } from '../../platform/blobs/open-blob-store.js';
import { openBackupTarget, type BackupTarget } from './backup-target.js';
import { recordBackupRun, runErrorCode } from './runs.service.js';
import { systemContext, type AppServices } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { createAgeEncryptStream, parseAgeRecipient } from '../../platform/crypto/age.js';
import { openDatabase, type Database } from '../../platform/db/database.js';
import { migrateToLatest, migrationFileNames, migrationName } from '../../platform/db/migrate.js';
import { ageDecrypt, parseAgeIdentities } from './age-decrypt.js';
import { BackupError } from './backup.errors.js';
import { unsafeAppliedMigrations, unsafeDropAllTables, unsafeInsertBackupRunRow, unsafeListTablesInDependencyOrder, unsafeReadTable, unsafeReplaceRows, unsafeTableCount, type Dialect } from './backup.repository.js';
import { readTar } from './tar-read.js';

export const BACKUP_FORMAT = 'confidant-backup/v1';
export const MANIFEST_PURPOSE = 'backup.manifest';
const ARCHIVE_FILE = 'archive.tar.age';
const BLOB_CONCURRENCY = 4;
const MANIFEST_FILE = 'manifest.json';

export interface BackupPart {
  path: string;
  sha256: string;
  size: number;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  id: string;
  createdAt: string;
  dialect: Dialect;
  migrations: string[];
  tables: { name: string; rows: number }[];
  masterKey: { provider: string; included: boolean };
  recipients: string[];
  archive: BackupPart;
  parts: BackupPart[];
  blobs: { id: string; sha256: string; size: number }[];
  /** DIR/shreds.jsonl when this backup was written: a later restore checks the list was not cut short. */
  shreds: { entries: number; size: number; sha256: string };
}

export interface SignedManifest {
  manifest: BackupManifest;
  signature: DetachedSignature;
}

export type BackupProgress =
  | { event: 'start'; id: string; dialect: Dialect }
  | { event: 'table'; name: string; rows: number }
  | { event: 'archive'; size: number }
  | { event: 'blob'; done: number; total: number; copied: number; bytes: number }
  | { event: 'done'; id: string; blobs: number; copiedBlobs: number };

export interface CreateBackupOptions {
  to: string;
  recipients: string[];
  includeMasterKey?: boolean;
  progress?: (event: BackupProgress) => void;
  /** The person who asked (Backups page), recorded with the run. */
  requestedBy?: string;
}

export interface BackupSummary {
  id: string;
  path: string;
  dialect: Dialect;
  tables: number;
  rows: number;
  archiveSize: number;
  blobs: number;
  copiedBlobs: number;
  copiedBytes: number;
  masterKeyIncluded: boolean;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');


/** A row as one JSON line: binary values as {"$b64": …}. */
function encodeRow(row: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Uint8Array) out[key] = { $b64: Buffer.from(value).toString('base64') };
    else if (typeof value === 'bigint') out[key] = Number(value);
    else out[key] = value;
  }
  return JSON.stringify(out);
}

function decodeRow(line: string): Record<string, unknown> {
  const row = JSON.parse(line) as Record<string, unknown>;
  for (const [key, value] of Object.entries(row)) {
    if (value !== null && typeof value === 'object' && typeof (value as { $b64?: unknown }).$b64 === 'string') row[key] = Buffer.from((value as { $b64: string }).$b64, 'base64');
  }
  return row;
}

interface Dump {
  dialect: Dialect;
  migrations: string[];
  tables: { name: string; rows: number; jsonl: Buffer }[];
}

async function dumpFrom(db: Kysely<unknown>, dialect: Dialect, progress?: (event: BackupProgress) => void): Promise<Dump> {
  const migrations = await unsafeAppliedMigrations(db);
  const tables: Dump['tables'] = [];
  for (const name of await unsafeListTablesInDependencyOrder(db, dialect)) {
    const rows = await unsafeReadTable(db, dialect, name);
    tables.push({ name, rows: rows.length, jsonl: Buffer.from(rows.map((r) => `${encodeRow(r)}\n`).join(''), 'utf8') });
    progress?.({ event: 'table', name, rows: rows.length });
  }
  return { dialect, migrations, tables };
}

/** A consistent snapshot of the live database: SQLite's online backup API, or one repeatable-read transaction on PostgreSQL. */
async function snapshotDatabase(services: AppServices, id: string, progress?: (event: BackupProgress) => void): Promise<Dump> {
  const database = services.database;
  if (database.kind === 'postgres') {
    return database.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((trx) => dumpFrom(trx as unknown as Kysely<unknown>, 'postgres', progress));
  }
  if (!database.sqlite) throw new Error('no SQLite handle');
  // The snapshot holds what the database holds (sealed, wrapped): kept beside it, never on the target.
  const snapshot = join(dirname(services.config.database.sqlitePath), `.backup-${id}.db`);
  try {
    await database.sqlite.backup(snapshot);
    const handle = new SqliteDatabase(snapshot, { readonly: true });
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: handle }) });
    try {
      return await dumpFrom(db, 'sqlite', progress);
    } finally {
      await db.destroy();
    }
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${snapshot}${suffix}`, { force: true });
  }
}

function tarOf(parts: { path: string; bytes: Buffer }[], mtime: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (const part of parts) chunks.push(...fileHeaders(part.path, part.bytes.length, mtime), part.bytes, padding(part.bytes.length));
  chunks.push(Buffer.alloc(1024));
  return chunks;
}

/** `<UTC time to the millisecond>-<sequence>`: sorts after every backup already in DIR, even when the clock stands still or goes back. */
function backupId(now: number, existing: string[]): string {
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, '');
  const last = existing.at(-1);
  if (last === undefined || `${stamp}-0001` > last) return `${stamp}-0001`;
  const [lastStamp, lastSeq] = last.split('-') as [string, string];
  return `${lastStamp}-${String(Number(lastSeq) + 1).padStart(4, '0')}`;
}

const BACKUP_ID = /^\d{8}T\d{9}Z-\d{4}$/;
const manifestKey = (id: string) => `backups/${id}/${MANIFEST_FILE}`;

/** Every backup folder in the target, complete or not, oldest first. */
async function backupFolders(target: BackupTarget): Promise<string[]> {
  return (await target.children('backups')).filter((n) => BACKUP_ID.test(n)).sort();
}

/** Every complete backup (its manifest written) in the target, oldest first. */
export async function listBackups(target: BackupTarget): Promise<string[]> {
  const complete: string[] = [];
  for (const id of await backupFolders(target)) if ((await target.size(manifestKey(id))) !== null) complete.push(id);
  return complete;
}

async function readSignedManifest(target: BackupTarget, key: string): Promise<SignedManifest> {
  let parsed: unknown;
  const path = target.where(key);
  try {
    parsed = JSON.parse((await target.read(key))?.toString('utf8') ?? '');
  } catch {
    throw new BackupError('BACKUP_MANIFEST_INVALID', `${path} is not a readable backup manifest`);
  }
  const signed = parsed as Partial<SignedManifest>;
  if (!signed || typeof signed !== 'object' || !signed.manifest || signed.manifest.format !== BACKUP_FORMAT || !Array.isArray(signed.manifest.blobs) || !Array.isArray(signed.manifest.parts)) {
    throw new BackupError('BACKUP_MANIFEST_INVALID', `${path} is not a ${BACKUP_FORMAT} manifest`);
  }
  return signed as SignedManifest;
}

/** One destroyed key, as the shred list keeps it (docs/backup.md, "Crypto-shredding and restores"). */
export type ShredEntry = { kind: 'client'; clientId: string; destroyedAt: number | null } | { kind: 'object'; id: string; clientId: string; destroyedAt: number | null };

const SHRED_LIST = 'shreds.jsonl';
const shredKey = (entry: ShredEntry) => (entry.kind === 'client' ? `client:${entry.clientId}` : `object:${entry.id}`);

function destroyedKeys(clientKeyRows: Record<string, unknown>[], objectKeyRows: Record<string, unknown>[]): ShredEntry[] {
  const entries = new Map<string, ShredEntry>();
  for (const row of clientKeyRows) {
    if (row.state !== 'destroyed') continue;
    const entry: ShredEntry = { kind: 'client', clientId: String(row.client_id), destroyedAt: typeof row.destroyed_at === 'number' ? row.destroyed_at : null };
    entries.set(shredKey(entry), entry);
  }
  for (const row of objectKeyRows) {
    if (row.state !== 'destroyed') continue;
    const entry: ShredEntry = { kind: 'object', id: String(row.id), clientId: String(row.client_id), destroyedAt: typeof row.destroyed_at === 'number' ? row.destroyed_at : null };
    entries.set(shredKey(entry), entry);
  }
  return [...entries.values()];
}

function parseShredList(text: string, where: string): ShredEntry[] {
  const entries: ShredEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as ShredEntry;
      if ((entry.kind === 'client' && typeof entry.clientId === 'string') || (entry.kind === 'object' && typeof entry.id === 'string')) entries.push(entry);
      else throw new Error('bad entry');
    } catch {
      throw new BackupError('BACKUP_MANIFEST_INVALID', `${where} holds a line that is not a shred list entry`);
    }
  }
  return entries;
}

/** The entries of a shred list file (missing file: none). */
export async function readShredList(path: string): Promise<ShredEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return parseShredList(text, path);
}

/**
 * Adds to the target's shreds.jsonl the destroyed keys it does not list yet (the whole list is
 * rewritten atomically: an object store cannot append); returns its size and SHA-256 afterwards.
 */
async function appendShreds(target: BackupTarget, entries: ShredEntry[]): Promise<{ entries: number; size: number; sha256: string; added: number }> {
  const before = (await target.read(SHRED_LIST)) ?? Buffer.alloc(0);
  const known = new Set(parseShredList(before.toString('utf8'), target.where(SHRED_LIST)).map(shredKey));
  const fresh = entries.filter((e) => !known.has(shredKey(e)));
  const bytes = fresh.length === 0 ? before : Buffer.concat([before, Buffer.from(fresh.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8')]);
  if (fresh.length > 0) await target.write(SHRED_LIST, bytes);
  return { entries: known.size + fresh.length, size: bytes.length, sha256: sha256(bytes), added: fresh.length };
}

/**
 * `backup record-shreds --to DIR`: adds the keys destroyed in the live database since the last
 * backup to DIR's shred list, without taking a backup (run it after a shred; `backup create` does
 * it too).
 */
export async function recordShreds(services: AppServices, to: string): Promise<{ entries: number; added: number }> {
  const target = openBackupTarget(to);
  try {
    const db = services.database.db as unknown as Kysely<unknown>;
    const entries = destroyedKeys(await unsafeReadTable(db, services.database.kind, 'keys_client_keys'), await unsafeReadTable(db, services.database.kind, 'keys_object_keys'));
    const result = await appendShreds(target, entries);
    return { entries: result.entries, added: result.added };
  } finally {
    await target.close();
  }
}

/** `backup create`: see the file comment. */
export async function createBackup(services: AppServices, options: CreateBackupOptions): Promise<BackupSummary> {
  if (options.recipients.length === 0) throw new BackupError('BACKUP_RECIPIENT_INVALID', 'at least one --recipient age1… is needed');
  for (const recipient of options.recipients) {
    try {
      parseAgeRecipient(recipient);
    } catch {
      throw new BackupError('BACKUP_RECIPIENT_INVALID', `${recipient.slice(0, 80)} is not an age X25519 recipient (age1…)`);
    }
  }
  const config = services.config;
  const includeMasterKey = options.includeMasterKey === true;
  if (includeMasterKey && config.masterKey.provider !== 'file') throw new BackupError('BACKUP_TARGET_INVALID', `--include-master-key needs the file master key provider (this instance uses ${config.masterKey.provider})`);
  const target = openBackupTarget(options.to);
  const startedAt = services.clock.now();
  const run = { kind: 'backup' as const, startedAt, target: target.location, requestedBy: options.requestedBy ?? null };
  const ctx = systemContext(services, 'backup');
  try {
    const summary = await createIn(services, target, options, includeMasterKey);
    const detail = { tables: summary.tables, rows: summary.rows, blobs: summary.blobs, copiedBlobs: summary.copiedBlobs, copiedBytes: summary.copiedBytes, archiveSize: summary.archiveSize, masterKeyIncluded: summary.masterKeyIncluded, seconds: (services.clock.now() - startedAt) / 1000 };
    await recordBackupRun(ctx, { ...run, ok: true, backupId: summary.id, errorCode: null, detail });
    return summary;
  } catch (error) {
    await recordBackupRun(ctx, { ...run, ok: false, backupId: null, errorCode: runErrorCode(error), detail: {} }).catch(() => undefined);
    throw error;
  } finally {
    await target.close();
  }
}

async function createIn(services: AppServices, target: BackupTarget, options: CreateBackupOptions, includeMasterKey: boolean): Promise<BackupSummary> {
  const config = services.config;
  const now = services.clock.now();
  // Every backup folder there, complete or not, so a new id never collides with a failed one;
  // the claim makes two backups started together take different ids.
  let id = backupId(now, await backupFolders(target));
  while (!(await target.claim(`backups/${id}`))) id = backupId(now, [...(await backupFolders(target)), id].sort());
  const backupDir = `backups/${id}`;
  options.progress?.({ event: 'start', id, dialect: services.database.kind });
  try {
    // Blobs known from the previous backup in the target: blobs never change, so one seen there
    // with the same size is not read again.
    const previous = new Map<string, { sha256: string; size: number }>();
    const earlier = (await listBackups(target)).at(-1);
    if (earlier) {
      const last = await readSignedManifest(target, manifestKey(earlier)).catch(() => null);
      for (const blob of last?.manifest.blobs ?? []) previous.set(blob.id, { sha256: blob.sha256, size: blob.size });
    }

    const dump = await snapshotDatabase(services, id, options.progress);
    const parts: { path: string; bytes: Buffer }[] = [];
    for (const table of dump.tables) parts.push({ path: `db/${table.name}.jsonl`, bytes: table.jsonl });
    parts.push({ path: 'keys/audit-checkpoint.key', bytes: await readFile(signingKeyPath(config.dataDir)) });
    if (includeMasterKey) parts.push({ path: 'keys/master.key', bytes: await readFile(config.masterKey.file) });
    const inner = { format: BACKUP_FORMAT, id, dialect: dump.dialect, migrations: dump.migrations, tables: dump.tables.map((t) => t.name) };
    parts.push({ path: 'backup.json', bytes: Buffer.from(`${JSON.stringify(inner, null, 2)}\n`, 'utf8') });

    const archiveHash = createHash('sha256');
    let archiveSize = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        archiveHash.update(chunk);
        archiveSize += chunk.length;
        callback(null, chunk);
      },
    });
    const encrypted = new PassThrough();
    const writing = target.writeStream(`${backupDir}/${ARCHIVE_FILE}`, encrypted);
    await Promise.all([pipeline(Readable.from(tarOf(parts, now)), createAgeEncryptStream(options.recipients), hashing, encrypted), writing]).catch((error: unknown) => {
      encrypted.destroy();
      throw error;
    });
    options.progress?.({ event: 'archive', size: archiveSize });

    // Listed after the snapshot: every blob the snapshot names is there (blobs are written before
    // the row naming them commits); newer ones are harmless extras.
    const ids: string[] = [];
    for await (const entry of services.blobs.list('')) ids.push(entry.id);
    ids.sort();
    const blobs: BackupManifest['blobs'] = [];
    let copied = 0;
    let copiedBytes = 0;
    const copyOne = async (blobId: string) => {
      const known = previous.get(blobId);
      const size = known ? await services.blobs.size(blobId) : null;
      if (known && size === known.size && (await target.size(`blobs/${known.sha256}`)) === known.size) {
        blobs.push({ id: blobId, ...known });
      } else {
        const file = services.blobs.localFile && target.kind === 'dir' ? services.blobs.localFile(blobId) : undefined;
        const result = await target.putContentAddressed('blobs', { open: () => services.blobs.get(blobId), ...(file !== undefined ? { file } : {}) });
        blobs.push({ id: blobId, sha256: result.sha256, size: result.size });
        if (result.copied) {
          copied += 1;
          copiedBytes += result.size;
        }
      }
      options.progress?.({ event: 'blob', done: blobs.length, total: ids.length, copied, bytes: copiedBytes });
    };
    // A few at a time: creating files and uploading objects wait on the kernel and the network,
    // not on this process (measured in bench/scenarios/backup.bench.ts).
    const queue = [...ids];
    await Promise.all(
      Array.from({ length: Math.min(BLOB_CONCURRENCY, queue.length) }, async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) await copyOne(next);
      }),
    );
    blobs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

    const rowsOf = (name: string) => (dump.tables.find((t) => t.name === name)?.jsonl.toString('utf8') ?? '').split('\n').filter(Boolean).map(decodeRow);
    const shreds = await appendShreds(target, destroyedKeys(rowsOf('keys_client_keys'), rowsOf('keys_object_keys')));
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      id,
      createdAt: new Date(now).toISOString(),
      dialect: dump.dialect,
      migrations: dump.migrations,
      tables: dump.tables.map((t) => ({ name: t.name, rows: t.rows })),
      masterKey: { provider: config.masterKey.provider, included: includeMasterKey },
      recipients: [...options.recipients],
      archive: { path: ARCHIVE_FILE, sha256: archiveHash.digest('hex'), size: archiveSize },
      parts: parts.map((p) => ({ path: p.path, sha256: sha256(p.bytes), size: p.bytes.length })),
      blobs,
      shreds: { entries: shreds.entries, size: shreds.size, sha256: shreds.sha256 },
    };
    const signature = signDetached(services, MANIFEST_PURPOSE, manifestBytes(manifest));
    // Written last: a backup without its manifest is no backup.
    await target.write(manifestKey(id), Buffer.from(`${JSON.stringify({ manifest, signature }, null, 2)}\n`, 'utf8'));
    options.progress?.({ event: 'done', id, blobs: blobs.length, copiedBlobs: copied });
    return {
      id,
      path: target.where(backupDir),
      dialect: dump.dialect,
      tables: dump.tables.length,
      rows: dump.tables.reduce((sum, t) => sum + t.rows, 0),
      archiveSize,
      blobs: blobs.length,
      copiedBlobs: copied,
      copiedBytes,
      masterKeyIncluded: includeMasterKey,
    };
  } catch (error) {
    // No manifest, no backup: what was written of this one goes (shared blobs stay, they are content-addressed).
    await target.removeTree(backupDir).catch(() => undefined);
    throw error;
  }
}

function manifestBytes(manifest: BackupManifest): Buffer {
  return Buffer.from(canonicalize(manifest) ?? '', 'utf8');
}

export interface VerifyOptions {
  /** A backup id in DIR; the latest when absent. */
  backup?: string;
  /** The text of an age identity file: the archive is then decrypted and its parts checked too. */
  identity?: string;
  /** The audit verifier key to trust (GET /audit/public-key); else the one the manifest names. */
  verifierKey?: string;
}

export interface VerifyReport {
  id: string;
  createdAt: string;
  dialect: Dialect;
  signedBy: string;
  /** `given`: checked against --verifier-key; `archive`: the signing key inside the decrypted archive; `self-declared`: only the key the manifest names. */
  trust: 'given' | 'archive' | 'self-declared';
  archiveSize: number;
  blobs: number;
  partsChecked: number;
  decrypted: boolean;
}

interface Opened {
  target: BackupTarget;
  signed: SignedManifest;
  report: VerifyReport;
  parts: Map<string, Buffer> | null;
}

async function openBackup(target: BackupTarget, options: VerifyOptions): Promise<Opened> {
  const ids = await listBackups(target);
  const id = options.backup ?? ids.at(-1);
  if (!id || !ids.includes(id)) throw new BackupError('BACKUP_NOT_FOUND', options.backup ? `no complete backup ${options.backup} in ${target.location}` : `no complete backup in ${target.location}`);
  const signed = await readSignedManifest(target, manifestKey(id));
  const { manifest, signature } = signed;
  const verifierKey = options.verifierKey ?? signature?.verifierKey;
  const check = checkDetachedSignature(signature, MANIFEST_PURPOSE, manifestBytes(manifest), typeof verifierKey === 'string' ? verifierKey : '');
  if (!check.ok) throw new BackupError('BACKUP_SIGNATURE_INVALID', `the manifest of ${id} is not signed by the audit key: ${check.detail}`);
  if (manifest.id !== id) throw new BackupError('BACKUP_MANIFEST_INVALID', `the manifest in ${id} describes backup ${manifest.id}`);

  const archiveKey = `backups/${id}/${ARCHIVE_FILE}`;
  const archive = await target.read(archiveKey);
  if (!archive) throw new BackupError('BACKUP_ARCHIVE_DAMAGED', `${target.where(archiveKey)} is missing`);
  if (archive.length !== manifest.archive.size) throw new BackupError('BACKUP_ARCHIVE_DAMAGED', `the archive is ${archive.length} bytes, the manifest says ${manifest.archive.size} (truncated or extended)`);
  if (sha256(archive) !== manifest.archive.sha256) throw new BackupError('BACKUP_ARCHIVE_DAMAGED', 'the archive does not match the SHA-256 in the manifest (altered)');

  for (const blob of manifest.blobs) {
    const key = `blobs/${blob.sha256}`;
    if (!/^[0-9a-f]{64}$/.test(blob.sha256) || (await target.size(key)) === null) throw new BackupError('BACKUP_BLOB_MISSING', `blob ${blob.id} (${blob.sha256}) is missing from ${target.where('blobs')}`);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of await target.readStream(key)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    if (size !== blob.size || hash.digest('hex') !== blob.sha256) throw new BackupError('BACKUP_BLOB_MISMATCH', `blob ${blob.id} does not match its SHA-256 (${blob.sha256})`);
  }

  let trust: VerifyReport['trust'] = options.verifierKey ? 'given' : 'self-declared';
  let parts: Map<string, Buffer> | null = null;
  if (options.identity !== undefined) {
    const plaintext = ageDecrypt(archive, parseAgeIdentities(options.identity));
    parts = readTar(plaintext);
    for (const part of manifest.parts) {
      const bytes = parts.get(part.path);
      if (!bytes) throw new BackupError('BACKUP_PART_MISMATCH', `the archive lacks ${part.path}, which the manifest lists`);
      if (bytes.length !== part.size || sha256(bytes) !== part.sha256) throw new BackupError('BACKUP_PART_MISMATCH', `${part.path} in the archive does not match the manifest`);
    }
    if (parts.size !== manifest.parts.length) throw new BackupError('BACKUP_PART_MISMATCH', 'the archive holds parts the manifest does not list');
    const keyFile = JSON.parse(parts.get('keys/audit-checkpoint.key')?.toString('utf8') ?? '{}') as { privateKey?: string };
    const archivedPublic = keyFile.privateKey ? Buffer.from(createPublicKey(createPrivateKey(keyFile.privateKey)).export({ format: 'jwk' }).x!, 'base64url').toString('base64') : '';
    if (archivedPublic !== signature.publicKey) throw new BackupError('BACKUP_SIGNATURE_INVALID', 'the manifest is not signed by the audit key inside the archive');
    if (trust === 'self-declared') trust = 'archive';
  }
  return {
    target,
    signed,
    parts,
    report: {
      id,
      createdAt: manifest.createdAt,
      dialect: manifest.dialect,
      signedBy: signature.verifierKey,
      trust,
      archiveSize: manifest.archive.size,
      blobs: manifest.blobs.length,
      partsChecked: parts ? manifest.parts.length : 0,
      decrypted: parts !== null,
    },
  };
}

/** `backup verify`: throws a BackupError naming the first problem, else describes what it checked. */
export async function verifyBackup(source: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const target = openBackupTarget(source);
  try {
    return (await openBackup(target, options)).report;
  } finally {
    await target.close();
  }
}

export interface RestoreOptions {
  backup?: string;
  /** More shred lists to apply (e.g. the copy the firm keeps apart from DIR). */
  shredLists?: string[];
  identity: string;
  verifierKey?: string;
  progress?: (event: { event: string; [key: string]: unknown }) => void;
}

export interface RestoreReport extends VerifyReport {
  restoredInto: { dataDir: string; database: Dialect };
  rows: number;
  masterKeyRestored: boolean;
  /** Destroyed keys the shred lists named that were live in the backup: destroyed again in the restored data. */
  reappliedShreds: { clients: number; objectKeys: number };
  /** Set when the master key was not in the backup: where it must be put back before starting. */
  masterKeyNeeded: string | null;
}

async function isEmptyDir(path: string, allowed: string[]): Promise<boolean> {
  try {
    return (await readdir(path)).every((name) => allowed.includes(name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

const inside = (parent: string, child: string) => {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && !rel.includes(`..${sep}`);
};

/**
 * `backup restore` into the configured, empty data directory and database. Everything is first
 * written to a staging folder beside the data directory (and, on PostgreSQL, in one transaction);
 * only when all of it succeeded does the staging folder become the data directory.
 */
export async function restoreBackup(config: Config, source: string, options: RestoreOptions): Promise<RestoreReport> {
  const target = openBackupTarget(source);
  try {
    return await restoreFrom(config, target, options);
  } finally {
    await target.close();
  }
}

async function restoreFrom(config: Config, target: BackupTarget, options: RestoreOptions): Promise<RestoreReport> {
  const restoreStarted = Date.now();
  const opened = await openBackup(target, options);
  const { manifest } = opened.signed;
  const parts = opened.parts!;
  const codeMigrations = migrationFileNames()
    .filter((f) => f.endsWith('.ts') || f.endsWith('.js'))
    .map(migrationName);
  const knownMigrations = [...new Set(codeMigrations)].sort();
  if (JSON.stringify(knownMigrations) !== JSON.stringify([...manifest.migrations].sort())) {
    throw new BackupError('BACKUP_SCHEMA_MISMATCH', `the backup was taken with ${manifest.migrations.length} migrations applied, this version has ${knownMigrations.length}: restore with the version that took it (${manifest.migrations.at(-1) ?? 'none'}), then upgrade`);
  }

  const dataDir = resolve(config.dataDir);
  // A settings file the operator put there first (CONFIDANT_CONFIG_FILE's default) may stay.
  if (!(await isEmptyDir(dataDir, ['confidant.json']))) throw new BackupError('BACKUP_TARGET_NOT_EMPTY', `the data directory ${dataDir} is not empty: restore only into an empty one`);
  const fileBlobRoot = config.blobStoreUrl.startsWith('file:') ? resolve(config.blobStoreUrl.slice('file:'.length)) : null;
  const blobsInDataDir = fileBlobRoot !== null && inside(dataDir, fileBlobRoot);
  const sqliteInDataDir = config.database.kind === 'sqlite' && inside(dataDir, resolve(config.database.sqlitePath));
  if (config.database.kind === 'sqlite' && !sqliteInDataDir && existsSync(config.database.sqlitePath)) throw new BackupError('BACKUP_TARGET_NOT_EMPTY', `the database file ${config.database.sqlitePath} exists: restore only into an empty target`);

  let postgres: Database | null = null;
  if (config.database.kind === 'postgres') {
    postgres = openDatabase(config, { poolSize: 2 });
    if ((await unsafeTableCount(postgres.db, 'postgres')) > 0) {
      await postgres.close();
      throw new BackupError('BACKUP_TARGET_NOT_EMPTY', 'the PostgreSQL database is not empty: restore only into an empty database');
    }
  }
  let externalBlobs: BlobStore | null = null;
  if (!blobsInDataDir) {
    externalBlobs = openBlobStore(config);
    for await (const entry of externalBlobs.list('')) {
      void entry;
      await externalBlobs.close?.();
      await postgres?.close();
      throw new BackupError('BACKUP_TARGET_NOT_EMPTY', 'the blob store is not empty: restore only into an empty one');
    }
  }

  const staging = `${dataDir}.restoring-${randomBytes(4).toString('hex')}`;
  const putBlobs: string[] = [];
  let postgresMigrated = false;
  let rows = 0;
  try {
    await mkdir(join(staging, 'keys'), { recursive: true, mode: 0o700 });
    await chmod(staging, 0o700);
    await writeFile(join(staging, 'keys', 'audit-checkpoint.key'), parts.get('keys/audit-checkpoint.key')!, { mode: 0o600 });
    const masterKey = parts.get('keys/master.key');
    const defaultMasterFile = resolve(dataDir, 'keys', 'master.key');
    if (masterKey) {
      if (inside(dataDir, resolve(config.masterKey.file))) {
        const path = join(staging, relative(dataDir, resolve(config.masterKey.file)));
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        await writeFile(path, masterKey, { mode: 0o600 });
      } else {
        await writeFile(join(staging, 'keys', 'master.key'), masterKey, { mode: 0o600 });
      }
    }

    // Blobs first: ciphertext without a database naming it is harmless, and removed on failure.
    const blobStore = blobsInDataDir ? openBlobStore({ blobStoreUrl: `file:${join(staging, relative(dataDir, fileBlobRoot))}` }) : externalBlobs!;
    try {
      let done = 0;
      for (const blob of manifest.blobs) {
        const hash = createHash('sha256');
        const checking = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            callback(null, chunk);
          },
        });
        const stream = await target.readStream(`blobs/${blob.sha256}`);
        stream.on('error', (error) => checking.destroy(error));
        const source = stream.pipe(checking);
        await blobStore.put(blob.id, source);
        putBlobs.push(blob.id);
        if (hash.digest('hex') !== blob.sha256) throw new BackupError('BACKUP_BLOB_MISMATCH', `blob ${blob.id} changed while it was restored`);
        done += 1;
        options.progress?.({ event: 'blob', done, total: manifest.blobs.length });
      }
    } finally {
      if (blobsInDataDir) await blobStore.close?.();
    }

    const tables = manifest.tables.map((t) => ({ name: t.name, rows: (parts.get(`db/${t.name}.jsonl`)?.toString('utf8') ?? '').split('\n').filter(Boolean).map(decodeRow) }));
    // Crypto-shred survives restore: every key a shred list names is destroyed in the restored
    // rows before they are written, whatever the backup held.
    // The list only grows: what the newest backup saw of it must still be its beginning.
    const newest = (await listBackups(target)).at(-1);
    const seen = newest ? (await readSignedManifest(target, manifestKey(newest))).manifest.shreds : undefined;
    const list = (await target.read(SHRED_LIST)) ?? Buffer.alloc(0);
    if (seen && seen.size > 0) {
      if (list.length < seen.size || sha256(list.subarray(0, seen.size)) !== seen.sha256) throw new BackupError('BACKUP_MANIFEST_INVALID', `${target.where(SHRED_LIST)} was cut or altered since backup ${newest} recorded it: restore refused (a shredded client could come back)`);
    }
    const shredEntries = [...parseShredList(list.toString('utf8'), target.where(SHRED_LIST)), ...(await Promise.all((options.shredLists ?? []).map(readShredList))).flat()];
    const shreddedClients = new Set(shredEntries.filter((e) => e.kind === 'client').map((e) => e.clientId));
    const destroyedObjects = new Set(shredEntries.flatMap((e) => (e.kind === 'object' ? [e.id] : [])));
    const destroyedAt = Date.now();
    const reapplied = { clients: new Set<string>(), objectKeys: 0 };
    for (const table of tables) {
      if (table.name !== 'keys_client_keys' && table.name !== 'keys_object_keys') continue;
      for (const row of table.rows) {
        const hit = shreddedClients.has(String(row.client_id)) || (table.name === 'keys_object_keys' && destroyedObjects.has(String(row.id)));
        if (!hit || row.state === 'destroyed') continue;
        row.wrapped_key = null;
        row.state = 'destroyed';
        row.destroyed_at = destroyedAt;
        if (table.name === 'keys_client_keys') reapplied.clients.add(String(row.client_id));
        else reapplied.objectKeys += 1;
      }
    }
    const load = async (database: Database) => {
      await migrateToLatest(database);
      if (database.kind === 'postgres') postgresMigrated = true;
      await database.db.transaction().execute(async (trx) => {
        for (const table of tables) {
          await unsafeReplaceRows(trx, table.name, table.rows);
          rows += table.rows.length;
          options.progress?.({ event: 'table', name: table.name, rows: table.rows.length });
        }
        await unsafeInsertBackupRunRow(trx, {
          id: newId(),
          kind: 'restore',
          started_at: restoreStarted,
          finished_at: Date.now(),
          ok: 1,
          target: target.location,
          backup_id: manifest.id,
          requested_by: null,
          error_code: null,
          detail: JSON.stringify({ rows, blobs: manifest.blobs.length, reappliedClients: reapplied.clients.size, reappliedObjectKeys: reapplied.objectKeys, fromDialect: manifest.dialect }),
        });
      });
    };
    if (postgres) {
      await load(postgres);
    } else {
      const path = sqliteInDataDir ? join(staging, relative(dataDir, resolve(config.database.sqlitePath))) : `${config.database.sqlitePath}.restoring`;
      const sqlite = openDatabase({ database: { kind: 'sqlite', url: `sqlite:${path}`, sqlitePath: path } });
      try {
        await load(sqlite);
      } finally {
        await sqlite.close();
      }
      if (!sqliteInDataDir) await rename(path, config.database.sqlitePath);
    }

    // The staging folder becomes the data directory.
    const existing = await readdir(dataDir).catch(() => null);
    if (existing !== null) {
      for (const name of existing) await rename(join(dataDir, name), join(staging, name));
      await rmdir(dataDir);
    }
    await rename(staging, dataDir);
    return {
      ...opened.report,
      restoredInto: { dataDir, database: config.database.kind },
      rows,
      reappliedShreds: { clients: reapplied.clients.size, objectKeys: reapplied.objectKeys },
      masterKeyRestored: masterKey !== undefined,
      masterKeyNeeded: masterKey ? null : manifest.masterKey.provider === 'file' ? resolve(config.masterKey.file ?? defaultMasterFile) : `the ${manifest.masterKey.provider} master key provider's key`,
    };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (externalBlobs) for (const id of putBlobs) await externalBlobs.delete(id).catch(() => undefined);
    if (postgres && postgresMigrated) await unsafeDropAllTables(postgres.db).catch(() => undefined);
    if (error instanceof BackupError) throw error;
    throw new BackupError('BACKUP_RESTORE_FAILED', `the restore failed and was undone: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await postgres?.close();
    await externalBlobs?.close?.();
  }
}
