/**
 * Client export: every matter, document (current version), note and record of one client, as a
 * tar archive inside the age format (age-encryption.org/v1), so the recipient opens it with the
 * standard `age` tool and `tar`. Streamed end to end: constant memory whatever the size.
 *
 * Archive layout: `manifest.json` (client, matters, documents, notes, records — names included,
 * since the archive is encrypted to the recipient) and `documents/<documentId>/v<version>` (the
 * decrypted bytes). Entry names are ids only, so they fit plain USTAR without extensions.
 */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientId } from '../../../common/ids.js';
import { requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { RequestContext } from '../../platform/context.js';
import { createAgeEncryptStream, parseAgeRecipient } from '../../platform/crypto/age.js';
import { AppError } from '../../platform/errors.js';
import { getClientById } from './clients.service.js';
import { documentsOfClientForExport } from './documents.service.js';
import { findMatters } from './matters.service.js';
import { findNotes } from './notes.service.js';
import { findRecords } from './records.service.js';
import type { MatterId } from '../../../common/ids.js';

/**
 * A USTAR header (POSIX.1-1988). Written here because it is one fixed 512-byte layout and our
 * entry names are short ASCII ids; no dependency needed for that.
 */
function tarHeader(name: string, size: number, mtime: number): Buffer {
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
  write('0', 156, 1);
  write('ustar\u000000', 257, 8);
  let checksum = 0;
  for (const byte of header) checksum += byte;
  write(`${octal(checksum, 7)}\u0000 `, 148, 8);
  return header;
}

const padding = (size: number) => Buffer.alloc((512 - (size % 512)) % 512);

export interface ExportResult {
  documents: number;
  bytes: number;
}

/**
 * Writes the client's export, age-encrypted to `recipients`, into `output`. Needs client.export on
 * the client and a recent MFA check. Throws ACCESS_DENIED, STEP_UP_REQUIRED, VALIDATION_FAILED
 * (recipient), INTEGRITY_ERROR (a stored document failed its check: the export is aborted),
 * KEY_DESTROYED, SEALED, AUDIT_UNAVAILABLE. Audited (`client.export`, with the number of documents
 * only) before `prepareClientExport` returns, so before the first byte or header.
 */
export async function exportClient(ctx: RequestContext, clientId: ClientId, recipients: string[], output: Writable): Promise<ExportResult> {
  return (await prepareClientExport(ctx, clientId, recipients)).writeTo(output);
}

/**
 * Checks access, step-up and recipients and gathers the metadata, before any byte is written — so
 * an HTTP caller can still answer with an error status. `writeTo` then streams the archive.
 */
export async function prepareClientExport(ctx: RequestContext, clientId: ClientId, recipients: string[]): Promise<{ documents: number; writeTo(output: Writable): Promise<ExportResult> }> {
  const auth = await requireAccess(ctx, 'client.export', { kind: 'client', clientId }, { purpose: 'export', stepUp: true });
  for (const [index, recipient] of recipients.entries()) {
    try {
      parseAgeRecipient(recipient);
    } catch {
      throw new AppError('VALIDATION_FAILED', 'Invalid age recipient', [{ path: `recipients.${index}`, message: 'must be an age1… X25519 public key' }]);
    }
  }
  if (recipients.length === 0) throw new AppError('VALIDATION_FAILED', 'No recipient', [{ path: 'recipients', message: 'at least one' }]);
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
  const now = ctx.app.clock.now();
  const manifest = Buffer.from(
    JSON.stringify(
      {
        format: 'confidant-client-export/v1',
        exportedAt: new Date(now).toISOString(),
        client,
        matters,
        documents: documents.map((d) => ({ id: d.id, matterId: d.matterId, name: d.name, classification: d.classification, privileged: d.privileged, version: d.version.version, size: d.version.size, contentType: d.version.content_type, path: `documents/${d.id}/v${d.version.version}` })),
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
    for (const document of documents) {
      yield tarHeader(`documents/${document.id}/v${document.version.version}`, document.version.size, document.version.created_at);
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
  // Recorded before the caller starts answering: when the log cannot take it, the HTTP caller can
  // still answer 503 (once `writeTo` runs, the 200 and its headers are on their way).
  await recordEvent(ctx, { action: 'client.export', outcome: 'allowed', resources: { clientId, other: { type: 'export_documents', id: String(documents.length) } } });
  return {
    documents: documents.length,
    writeTo: async (output) => {
      await pipeline(Readable.from(tar(), { objectMode: false }), createAgeEncryptStream(recipients), output);
      return { documents: documents.length, bytes };
    },
  };
}
