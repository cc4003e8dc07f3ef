/**
 * Client export: every matter, document (current version), note and record of one client, as a
 * tar archive inside the age format (age-encryption.org/v1), so the recipient opens it with the
 * standard `age` tool and `tar`. Streamed end to end: constant memory whatever the size.
 * Protected by a passphrase (age's scrypt recipient: `age -d` asks for it) or, for experts, by
 * age public keys (`age1…`).
 *
 * Archive layout: `manifest.json` (client, matters, documents with their classification and
 * privilege, notes, records — names included, since the archive is encrypted) and the decrypted
 * bytes under `documents/<matter number>/<file name>` (documents in the trash under
 * `trash/<matter number>/<file name>`), names made safe for any file system and unique per folder.
 */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientId, MatterId } from '../../../common/ids.js';
import { requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { createAgeEncryptStreamFor, parseAgeRecipient, type AgeProtection } from '../../platform/crypto/age.js';
import { AppError } from '../../platform/errors.js';
import { getClientById } from './clients.service.js';
import { documentsOfClientForExport } from './documents.service.js';
import { findMatters } from './matters.service.js';
import { findNotes } from './notes.service.js';
import { findRecords } from './records.service.js';

/**
 * A USTAR header (POSIX.1-1988). Written here because it is one fixed 512-byte layout; names that
 * are not short ASCII travel in a PAX `path` record before it (`paxEntry`), which GNU tar, bsdtar
 * and every maintained unpacker read. No dependency needed for that.
 */
function tarHeader(name: string, size: number, mtime: number, type: '0' | 'x' = '0'): Buffer {
  const header = Buffer.alloc(512);
  const write = (value: string, offset: number, length: number) => header.write(value, offset, length, 'ascii');
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0');
  write(name, 0, 100);
  write(octal(0o600, 8), 100, 8);
  write(octal(0, 8), 108, 8);
  write(octal(0, 8), 116, 8);
  write(octal(size, 12), 124, 12);
  write(octal(Math.floor(mtime / 1000), 12), 136, 12);
  write('        ', 148, 8);
  write(type, 156, 1);
  write('ustar\u000000', 257, 8);
  let checksum = 0;
  for (const byte of header) checksum += byte;
  write(`${octal(checksum, 7)}\u0000 `, 148, 8);
  return header;
}

const padding = (size: number) => Buffer.alloc((512 - (size % 512)) % 512);

const isPlainTarName = (path: string) => /^[\x20-\x7e]{1,99}$/.test(path);

/** The header(s) of a file entry: a PAX extended header carrying the UTF-8 path when USTAR cannot hold it. */
function fileHeaders(path: string, size: number, mtime: number): Buffer[] {
  if (isPlainTarName(path)) return [tarHeader(path, size, mtime)];
  // A PAX record is "<length> path=<value>\n", its length counting its own digits.
  const body = ` path=${path}\n`;
  const bodyBytes = Buffer.byteLength(body, 'utf8');
  let length = bodyBytes + 1;
  while (String(length).length + bodyBytes !== length) length = String(length).length + bodyBytes;
  const record = Buffer.from(`${length}${body}`, 'utf8');
  const fallback = path.replace(/[^\x20-\x7e]/g, '_').slice(-99);
  return [tarHeader('PaxHeader', record.length, mtime, 'x'), record, padding(record.length), tarHeader(fallback, size, mtime)];
}

// Names Windows refuses whatever the extension.
const RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;
const MAX_SEGMENT_BYTES = 200;

/**
 * One path segment from a document name or matter number: no separators, no control characters,
 * no `.`/`..`, nothing Windows refuses; at most 200 UTF-8 bytes, keeping the extension.
 */
export function safeSegment(raw: string): string {
  let name = raw
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f/\\<>:"|?*]/g, '_')
    .trim()
    .replace(/[. ]+$/, '');
  if (name === '' || /^\.+$/.test(name)) name = '_';
  if (RESERVED.test(name)) name = `_${name}`;
  if (Buffer.byteLength(name, 'utf8') > MAX_SEGMENT_BYTES) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 20 ? name.slice(dot) : '';
    let stem = name.slice(0, name.length - extension.length);
    while (Buffer.byteLength(stem + extension, 'utf8') > MAX_SEGMENT_BYTES) stem = [...stem].slice(0, -1).join('');
    name = stem + extension;
  }
  return name;
}

/** Gives each name in a folder a unique form (case-insensitively): `a.pdf`, `a (2).pdf`, … */
export function uniqueNamer(): (folder: string, name: string) => string {
  const taken = new Set<string>();
  return (folder, name) => {
    const dot = name.lastIndexOf('.');
    const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let candidate = name;
    for (let n = 2; taken.has(`${folder}/${candidate}`.toLowerCase()); n++) candidate = `${stem} (${n})${extension}`;
    taken.add(`${folder}/${candidate}`.toLowerCase());
    return candidate;
  };
}

/** The smallest export passphrase (the same floor as the master passphrase); age stretches it with scrypt. */
export const EXPORT_PASSPHRASE_MIN_LENGTH = 12;

/** How an export is protected: a passphrase (the default in the UI and CLI) or age public keys. */
export type ExportProtection = { passphrase: string } | { recipients: string[] };

/** Checks the protection before anything is gathered. Throws VALIDATION_FAILED naming the field. */
function checkedProtection(protection: ExportProtection): AgeProtection {
  if ('passphrase' in protection) {
    const { passphrase } = protection;
    if (passphrase.length < EXPORT_PASSPHRASE_MIN_LENGTH) throw new AppError('VALIDATION_FAILED', `The passphrase must be at least ${EXPORT_PASSPHRASE_MIN_LENGTH} characters`, [{ path: 'body.passphrase', message: `must be at least ${EXPORT_PASSPHRASE_MIN_LENGTH} characters` }]);
    if (passphrase.length > 1024 || passphrase.trim() !== passphrase) throw new AppError('VALIDATION_FAILED', 'The passphrase must be at most 1024 characters, without spaces at either end', [{ path: 'body.passphrase', message: 'at most 1024 characters, without leading or trailing spaces' }]);
    return { passphrase };
  }
  const { recipients } = protection;
  if (recipients.length === 0) throw new AppError('VALIDATION_FAILED', 'Give at least one age public key (age1…)', [{ path: 'body.recipients', message: 'at least one' }]);
  for (const [index, recipient] of recipients.entries()) {
    try {
      parseAgeRecipient(recipient);
    } catch {
      throw new AppError('VALIDATION_FAILED', `Recipient ${index + 1} is not an age public key (age1…)`, [{ path: `body.recipients.${index}`, message: 'must be an age1… X25519 public key' }]);
    }
  }
  return { recipients };
}

export interface ExportResult {
  documents: number;
  bytes: number;
}

/**
 * Writes the client's export, age-encrypted with `protection` (a passphrase or recipients), into
 * `output`. Needs client.export on the client and a recent MFA check. Throws ACCESS_DENIED,
 * STEP_UP_REQUIRED, VALIDATION_FAILED (passphrase, recipient), INTEGRITY_ERROR (a stored document
 * failed its check: the export is aborted), KEY_DESTROYED, SEALED, AUDIT_UNAVAILABLE. Audited
 * (`client.export`, with the number of documents only) before `prepareClientExport` returns, so
 * before the first byte or header.
 */
export async function exportClient(ctx: RequestContext, clientId: ClientId, protection: ExportProtection, output: Writable): Promise<ExportResult> {
  return (await prepareClientExport(ctx, clientId, protection)).writeTo(output);
}

/**
 * Checks access, step-up and the protection and gathers the metadata, before any byte is written —
 * so an HTTP caller can still answer with an error status. `writeTo` then streams the archive.
 */
export async function prepareClientExport(ctx: RequestContext, clientId: ClientId, protection: ExportProtection): Promise<{ documents: number; writeTo(output: Writable): Promise<ExportResult> }> {
  const auth = await requireAccess(ctx, 'client.export', { kind: 'client', clientId }, { purpose: 'export', stepUp: true });
  const age = checkedProtection(protection);
  const client = await getClientById(ctx, clientId);
  const matters = [];
  let after: string | null = null;
  for (;;) {
    const page: Awaited<ReturnType<typeof findMatters>> = await findMatters(ctx, { limit: 200, after }, { clientId });
    matters.push(...page.items);
    if (!page.nextCursor) break;
    after = page.nextCursor;
  }
  const notes = [];
  const records = [];
  for (const matter of matters) {
    let noteAfter: string | null = null;
    for (;;) {
      const page: Awaited<ReturnType<typeof findNotes>> = await findNotes(ctx, matter.id as MatterId, { limit: 200, after: noteAfter });
      notes.push(...page.items);
      if (!page.nextCursor) break;
      noteAfter = page.nextCursor;
    }
    records.push(...(await findRecords(ctx, matter.id as MatterId)));
  }
  // Only documents of matters the exporter may read (a client-level grant covers them all).
  const visible = new Set(matters.map((m) => m.id));
  const documents = (await documentsOfClientForExport(ctx, auth)).filter((d) => visible.has(d.matterId));
  // File names as people gave them, made safe and unique per folder (matter number; trash apart).
  const uniqueFolder = uniqueNamer();
  const folderOf = new Map(matters.map((m) => [m.id, uniqueFolder('', safeSegment(m.number))]));
  const unique = uniqueNamer();
  const files = documents.map((d) => {
    const folder = `${d.trashedAt === null ? 'documents' : 'trash'}/${folderOf.get(d.matterId) ?? safeSegment(d.matterId)}`;
    return { document: d, path: `${folder}/${unique(folder, safeSegment(d.name))}` };
  });
  const numberOf = new Map(matters.map((m) => [m.id, m.number]));
  const now = ctx.app.clock.now();
  const manifest = Buffer.from(
    JSON.stringify(
      {
        format: 'confidant-client-export/v1',
        exportedAt: new Date(now).toISOString(),
        client,
        matters,
        documents: files.map(({ document: d, path }) => ({
          id: d.id,
          matterId: d.matterId,
          matterNumber: numberOf.get(d.matterId) ?? null,
          name: d.name,
          classification: d.classification,
          privileged: d.privileged,
          trashed: d.trashedAt !== null,
          trashedAt: d.trashedAt === null ? null : new Date(d.trashedAt).toISOString(),
          version: d.version.version,
          size: d.version.size,
          contentType: d.version.content_type,
          path,
        })),
        notes,
        records,
      },
      null,
      2,
    ),
    'utf8',
  );
  let bytes = 0;
  async function* tar(): AsyncGenerator<Buffer> {
    yield tarHeader('manifest.json', manifest.length, now);
    yield manifest;
    yield padding(manifest.length);
    for (const { document, path } of files) {
      for (const header of fileHeaders(path, document.version.size, document.version.created_at)) yield header;
      let written = 0;
      for await (const part of await document.open()) {
        written += (part as Buffer).length;
        yield part as Buffer;
      }
      if (written !== document.version.size) throw new AppError('INTEGRITY_ERROR');
      bytes += written;
      yield padding(written);
    }
    yield Buffer.alloc(1024);
  }
  // Stretching a passphrase takes a second: done now, so a failure can still be answered with a status.
  const encrypt = await createAgeEncryptStreamFor(age);
  // Recorded before the caller starts answering: when the log cannot take it, the HTTP caller can
  // still answer 503 (once `writeTo` runs, the 200 and its headers are on their way).
  await recordEvent(ctx, { action: 'client.export', outcome: 'allowed', resources: { clientId, other: { type: 'export_documents', id: String(documents.length) } } });
  return {
    documents: documents.length,
    writeTo: async (output) => {
      await pipeline(Readable.from(tar(), { objectMode: false }), encrypt, output);
      return { documents: documents.length, bytes };
    },
  };
}
