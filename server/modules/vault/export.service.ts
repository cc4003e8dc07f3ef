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
import { safeSegment, tarStream, uniqueNamer, type TarFile } from '../../platform/archive/tar.js';
import { createAgeEncryptStreamFor } from '../../platform/crypto/age.js';
import { ARCHIVE_PASSPHRASE_MIN_LENGTH, checkedProtection, type ArchiveProtection } from '../../platform/crypto/archive-protection.js';
import { getClientById } from './clients.service.js';
import { documentsOfClientForExport } from './documents.service.js';
import { findMatters } from './matters.service.js';
import { findNotes } from './notes.service.js';
import { findRecords } from './records.service.js';

/** Kept under its old names for callers of the vault's contract (the CLI). */
export const EXPORT_PASSPHRASE_MIN_LENGTH = ARCHIVE_PASSPHRASE_MIN_LENGTH;
export type ExportProtection = ArchiveProtection;

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
  const entries: TarFile[] = [
    { path: 'manifest.json', size: manifest.length, mtime: now, bytes: () => [manifest] },
    ...files.map(({ document, path }) => ({
      path,
      size: document.version.size,
      mtime: document.version.created_at,
      bytes: async () => counted(await document.open()),
    })),
  ];
  async function* counted(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const part of stream) {
      bytes += part.length;
      yield part;
    }
  }
  // Stretching a passphrase takes a second: done now, so a failure can still be answered with a status.
  const encrypt = await createAgeEncryptStreamFor(age);
  // Recorded before the caller starts answering: when the log cannot take it, the HTTP caller can
  // still answer 503 (once `writeTo` runs, the 200 and its headers are on their way).
  await recordEvent(ctx, { action: 'client.export', outcome: 'allowed', resources: { clientId, other: { type: 'export_documents', id: String(documents.length) } } });
  return {
    documents: documents.length,
    writeTo: async (output) => {
      await pipeline(Readable.from(tarStream(entries), { objectMode: false }), encrypt, output);
      return { documents: documents.length, bytes };
    },
  };
}
