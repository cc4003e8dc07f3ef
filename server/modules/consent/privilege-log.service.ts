/**
 * The privilege log of a matter, in the form courts expect: one line per document withheld as
 * privileged — date, author, recipients, document type, privilege asserted, description — as CSV
 * or PDF. The description is the document's name (the firm names privileged documents without
 * their content; docs/disclosures.md says so); no document content is read.
 */
import PDFDocument from 'pdfkit';
import type { MatterId } from '../../../common/ids.js';
import { describeTargets, requireAccess } from '../../access/index.js';
import type { RequestContext } from '../../platform/context.js';
import { findDocuments, type DocumentView } from '../vault/index.js';
import { csvCell } from './disclosures.service.js';

export interface PrivilegeLogEntry {
  documentId: string;
  date: number;
  author: string;
  recipients: string;
  documentType: string;
  privilege: string;
  description: string;
}

export interface PrivilegeLog {
  matter: { id: string; number: string | null; title: string | null };
  entries: PrivilegeLogEntry[];
}

/** At most this many documents of a matter are read for one log (pages of 200). */
const MAX_PAGES = 50;

function documentType(contentType: string): string {
  if (contentType.includes('pdf')) return 'PDF document';
  if (contentType.includes('word') || contentType.includes('opendocument.text')) return 'Word-processing document';
  if (contentType.includes('sheet') || contentType.includes('excel') || contentType.includes('csv')) return 'Spreadsheet';
  if (contentType.startsWith('message/') || contentType.includes('outlook')) return 'E-mail';
  if (contentType.startsWith('image/')) return 'Image';
  if (contentType.startsWith('text/')) return 'Text document';
  return 'Electronic file';
}

/** The log (privilege_log.read on the matter; the document list read is audited by the vault). Throws ACCESS_DENIED, KEY_DESTROYED, SEALED. */
export async function privilegeLog(ctx: RequestContext, matterId: MatterId): Promise<PrivilegeLog> {
  await requireAccess(ctx, 'privilege_log.read', { kind: 'matter', matterId });
  const documents: DocumentView[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result: { items: DocumentView[]; nextCursor: string | null } = await findDocuments(ctx, matterId, { limit: 200, after });
    documents.push(...result.items.filter((d) => d.privileged || d.classification === 'privileged'));
    if (!result.nextCursor) break;
    after = result.nextCursor;
  }
  const labels = await describeTargets(ctx, { userIds: documents.map((d) => d.createdBy), matterIds: [matterId] });
  const matter = labels.matters.get(matterId);
  return {
    matter: { id: matterId, number: matter?.number ?? null, title: matter?.title ?? null },
    entries: documents.map((d) => ({
      documentId: d.id,
      date: d.createdAt,
      author: labels.users.get(d.createdBy)?.name ?? 'Unknown',
      recipients: '',
      documentType: documentType(d.contentType),
      privilege: d.privileged ? 'Attorney-client privilege; attorney work product' : 'Privileged (classified)',
      description: d.name,
    })),
  };
}

const day = (at: number) => new Date(at).toISOString().slice(0, 10);

export function privilegeLogCsv(log: PrivilegeLog): string {
  const lines = [['entry', 'date', 'author', 'recipients', 'document_type', 'privilege_asserted', 'description', 'document_id'].join(',')];
  log.entries.forEach((e, index) => lines.push([String(index + 1), day(e.date), e.author, e.recipients, e.documentType, e.privilege, e.description, e.documentId].map(csvCell).join(',')));
  return lines.join('\r\n') + '\r\n';
}

export async function privilegeLogPdf(log: PrivilegeLog): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER', layout: 'landscape', margin: 40, info: { Title: 'Privilege log', Creator: 'Confidant' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(14).text(`Privilege log — matter ${log.matter.number ?? log.matter.id}`);
  doc.font('Helvetica').fontSize(9).text(`${log.entries.length} document${log.entries.length === 1 ? '' : 's'} withheld as privileged. Descriptions identify each document without revealing privileged content.`);
  doc.moveDown();
  const columns = [30, 70, 110, 90, 110, 150, 150];
  const header = ['#', 'Date', 'Author', 'Recipients', 'Type', 'Privilege asserted', 'Description'];
  const row = (cells: string[], bold: boolean) => {
    const y = doc.y;
    let x = doc.page.margins.left;
    let height = 0;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    cells.forEach((cell, i) => {
      const width = columns[i]!;
      height = Math.max(height, doc.heightOfString(cell, { width: width - 4 }));
      doc.text(cell, x, y, { width: width - 4 });
      x += width;
    });
    doc.x = doc.page.margins.left;
    doc.y = y + height + 4;
    if (doc.y > doc.page.height - doc.page.margins.bottom - 30) doc.addPage();
  };
  row(header, true);
  log.entries.forEach((e, index) => row([String(index + 1), day(e.date), e.author, e.recipients || '—', e.documentType, e.privilege, e.description], false));
  doc.end();
  return done;
}
