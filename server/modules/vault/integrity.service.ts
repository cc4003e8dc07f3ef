/**
 * Whether every stored document decrypts: each live version's blob is read whole and opened with
 * its key (every chunk is authenticated, so a changed, cut or swapped blob fails). For the drill
 * of a restored backup; a system act with no access decision (the instance is a scratch copy).
 */
import type { ClientId } from '../../../common/ids.js';
import { AppError } from '../../platform/errors.js';
import type { RequestContext } from '../../platform/context.js';
import { unsafeClientKey, unsafeObjectDataKey } from '../keys/index.js';
import { unsafeFindLiveDocumentVersions } from './documents.repository.js';
import { blobContext, openStoredContent } from './documents.streaming.js';

export interface IntegrityReport {
  /** Versions read and decrypted whole. */
  checked: number;
  bytes: number;
  /** Versions that did not: ids only, with the error code. */
  failed: { documentId: string; version: number; code: string }[];
}

const PAGE = 200;

/** Reads and decrypts every live document version; never throws for a bad one (it is listed). */
export async function unsafeCheckDocumentIntegrity(ctx: RequestContext): Promise<IntegrityReport> {
  const report: IntegrityReport = { checked: 0, bytes: 0, failed: [] };
  let after = '';
  for (;;) {
    const page = await unsafeFindLiveDocumentVersions(ctx, after, PAGE);
    for (const version of page) {
      try {
        const clientId = version.client_id as ClientId;
        const key = version.object_key_id !== null ? await unsafeObjectDataKey(ctx, clientId, version.object_key_id, version.key_version) : await unsafeClientKey(ctx, clientId, version.key_version);
        let size = 0;
        for await (const chunk of await openStoredContent(ctx, version, key, blobContext(version.document_id, version.version, clientId, version.key_version))) size += (chunk as Buffer).length;
        if (size !== version.size) throw new AppError('INTEGRITY_ERROR', 'size differs');
        report.checked += 1;
        report.bytes += size;
      } catch (error) {
        // A blob missing from the store, a wrong size or a failing chunk are all integrity errors.
        report.failed.push({ documentId: version.document_id, version: version.version, code: error instanceof AppError ? error.code : 'INTEGRITY_ERROR' });
      }
    }
    if (page.length < PAGE) return report;
    after = page.at(-1)!.id;
  }
}
