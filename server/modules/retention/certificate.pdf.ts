/**
 * The certificate of destruction as an A4 PDF a person can read: what was destroyed, under which
 * schedule and approvals, what was kept, the audit citation, the backups statement, the signature
 * and how to check it. The JSON file is the evidence; this is its readable form (same content,
 * nothing more: the record carries no client name and no document content). Deterministic: the
 * PDF's creation date is the certificate's issue time.
 */
import PDFDocument from 'pdfkit';
import type { SignedCertificate } from './certificate.js';

const MARGIN = 50;
const iso = (at: number) => new Date(at).toISOString();

const ITEM_TYPE: Record<string, string> = { client: 'Client', matter: 'Matter', document: 'Document', document_version: 'Document version', note: 'Note', record: 'Record' };
const KEY_TYPE: Record<string, string> = { client_key: 'Client data key', object_key: 'Per-object key' };
const SCOPE: Record<string, string> = {
  client: 'The whole client (all its data; the client’s keys were crypto-shredded)',
  matter: 'One matter and its contents',
  document: 'One document (all its versions)',
  versions: 'Older versions of a document',
  record: 'A record',
};
const METHOD: Record<string, string> = { shred: 'shredding', incinerate: 'incineration', pulp: 'pulping', degauss: 'degaussing', other: 'another method' };

/** Renders the certificate. `options.compress` (default true) is for tests that read the text. */
export async function renderCertificatePdf(cert: SignedCertificate, options: { compress?: boolean } = {}): Promise<Buffer> {
  const c = cert.certificate;
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: options.compress ?? true,
    info: { Title: 'Certificate of destruction', Subject: `Certificate of destruction ${c.certificateId}`, Creator: 'Confidant', CreationDate: new Date(c.issuedAt), ModDate: new Date(c.issuedAt) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN;
  const ensure = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };
  const heading = (text: string) => {
    ensure(40);
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(11).text(text, MARGIN, doc.y, { width });
    doc.moveDown(0.2).font('Helvetica').fontSize(9);
  };
  const field = (label: string, value: string, mono = false) => {
    ensure(14);
    const y = doc.y;
    doc.font('Helvetica-Bold').fontSize(9).text(label, MARGIN, y, { width: 140 });
    const labelBottom = doc.y;
    doc.font(mono ? 'Courier' : 'Helvetica').fontSize(mono ? 8 : 9).text(value, MARGIN + 145, y, { width: width - 145 });
    doc.y = Math.max(doc.y, labelBottom) + 2;
    doc.x = MARGIN;
  };
  const paragraph = (text: string, font = 'Helvetica', size = 9) => {
    ensure(20);
    doc.font(font).fontSize(size).text(text, MARGIN, doc.y, { width });
    doc.moveDown(0.3);
  };

  doc.font('Helvetica-Bold').fontSize(18).text('Certificate of destruction', MARGIN, MARGIN, { width });
  doc.moveDown(0.3).font('Helvetica').fontSize(9).text('Issued by Confidant, signed with the firm’s audit log key (Ed25519). Every identifier below is an opaque id; no client name and no document content appears in this certificate.', { width });
  doc.moveDown(0.6);
  field('Certificate', c.certificateId, true);
  field('Issued', iso(c.issuedAt));
  field('Client number', c.client.number ?? '(none recorded)');
  field('Client id', c.client.id, true);
  field('Engagement', c.client.terminated ? 'Terminated' : 'Continuing');
  field('Scope', SCOPE[c.scope] ?? c.scope);
  field('Executed', iso(c.executedAt));

  heading(`What was destroyed (${c.items.length} item${c.items.length === 1 ? '' : 's'})`);
  // Courier 6.5 pt keeps a UUID and a SHA-256 (64 hex digits) on one line each.
  const columns = [70, 160, width - 230];
  const row = (cells: string[], header: boolean) => {
    const font = (i: number) => doc.font(header ? 'Helvetica-Bold' : i === 0 ? 'Helvetica' : 'Courier').fontSize(header ? 8 : i === 0 ? 7 : 6.5);
    const heights = cells.map((cell, i) => font(i).heightOfString(cell, { width: columns[i]! - 6 }));
    const height = Math.max(...heights);
    ensure(height + 4);
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((cell, i) => {
      font(i).text(cell, x, y, { width: columns[i]! - 6 });
      x += columns[i]!;
    });
    doc.x = MARGIN;
    doc.y = y + height + 4;
  };
  row(['Type', 'Id', 'SHA-256 of the ciphertext'], true);
  for (const item of c.items) {
    const type = `${ITEM_TYPE[item.type] ?? item.type}${item.size !== undefined ? `\n${item.size} bytes` : ''}`;
    const id = `${item.id}${item.parentId ? `\nin ${item.parentId}` : ''}${item.keyId ? `\nkey ${item.keyId}` : ''}`;
    row([type, id, item.sha256 ?? '—'], false);
  }

  heading('Keys destroyed');
  const keyGroups = c.keys.filter((k) => k.ids.length > 0);
  if (keyGroups.length === 0) paragraph('None (a physical record has no key).');
  for (const group of keyGroups) field(`${KEY_TYPE[group.type] ?? group.type} (${group.ids.length})`, group.ids.join('\n'), true);

  if (c.physical) {
    heading('Physical destruction');
    field('Method', METHOD[c.physical.method] ?? c.physical.method);
    field('Witness', `${c.physical.witness.name} (${c.physical.witness.userId})`);
    field('Destroyed', iso(c.physical.destroyedAt));
  }

  heading('Schedule and approvals');
  if (c.schedule) {
    field('Retention schedule', `${c.schedule.name} (${c.schedule.id})`);
    field('Rule', `${c.schedule.action} ${c.schedule.periodDays} days after ${c.schedule.trigger}`);
  } else field('Retention schedule', 'None: destroyed on request, not under a schedule');
  if (c.approvals.length === 0) field('Approvals', 'None recorded');
  for (const approval of c.approvals) field('Approved by', `${approval.name} (${approval.userId}) at ${iso(approval.at)}`);

  heading('What was kept');
  const kept = Object.entries(c.tombstone);
  if (kept.length === 0) paragraph('Nothing.');
  for (const [key, value] of kept) field(key, value === null ? '—' : typeof value === 'number' && /At$|Date$|On$/.test(key) ? iso(value) : String(value));

  heading('Audit log citation');
  if (c.audit) {
    field('Key-destruction event', `index ${c.audit.index}`);
    field('Leaf hash', c.audit.leafHash, true);
    field('Signed checkpoint', `tree size ${c.audit.checkpoint.size}`);
    field('Checkpoint root', c.audit.checkpoint.root, true);
    field('Inclusion proof', `${c.audit.inclusionProof.length} hash${c.audit.inclusionProof.length === 1 ? '' : 'es'} (in the JSON certificate)`);
  } else paragraph('None: no key was destroyed (a physical record).');

  heading('Backups');
  paragraph(c.backups);
  if (c.audit) paragraph(`Master key rotated after the destruction: ${c.masterKeyRotated ? 'yes' : 'not yet'}.`);

  heading('Signature');
  field('Algorithm', cert.signature.algorithm);
  field('Key name', cert.signature.keyName, true);
  field('Key id', cert.signature.keyId, true);
  field('Signature', cert.signature.signature, true);
  field('Verifier key', cert.signature.verifierKey, true);

  heading('How to verify');
  paragraph('The signature covers the RFC 8785 canonical JSON of the certificate in the JSON file (this PDF is its readable copy). Check the file offline, with no access to the firm’s systems:');
  paragraph('confidant retention verify-certificate certificate.json --key <verifier key>', 'Courier', 8);
  paragraph('The verifier key is published at /api/v1/audit/public-key; compare it with the one shown above and with a copy obtained from the firm independently. The check confirms the signature, the signed audit checkpoint, that the key-destruction event is in the audit log (inclusion proof), and that it destroyed this client’s keys.');

  doc.end();
  return done;
}
