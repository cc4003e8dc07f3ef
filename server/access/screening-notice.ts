/**
 * The screening notice (ABA Model Rule 1.10(a)(2)(ii)/(iii)): the written notice a firm sends the
 * affected former client when it screens a personally disqualified lawyer — a description of the
 * screening procedures, a statement of compliance, and an offer to answer questions. Generated as
 * a PDF from the wall (pdfkit); the firm fills in names the access module does not hold. It says
 * truthfully who has acknowledged the screening memo (with dates) and who has not yet.
 */
import PDFDocument from 'pdfkit';
import type { MatterId } from '../../common/ids.js';
import type { RequestContext } from '../platform/context.js';
import { requireAccess } from './choke-point.js';
import { getWallView, wallRow, type WallView } from './walls.service.js';
import type { ClientId } from '../../common/ids.js';

export interface NoticeInput {
  firmName: string;
  addressee: string;
  clientReference: string;
  signatory: string;
}

const person = (p: { userId: string; name: string | null }) => p.name ?? 'A staff member whose account was removed';
const day = (at: number) => new Date(at).toISOString().slice(0, 10);

/** Who acknowledged the memo (name — date) and who has not yet (names), as the notice states them. */
export function acknowledgementLines(wall: Pick<WallView, 'acknowledgements' | 'awaiting'>): { acknowledged: string[]; awaiting: string[] } {
  return { acknowledged: wall.acknowledgements.map((a) => `${person(a)} — acknowledged ${day(a.acknowledgedAt)}`), awaiting: (wall.awaiting ?? []).map(person) };
}

/** Builds the notice for a wall (wall.manage). Throws WALL_NOT_FOUND, ACCESS_DENIED. */
export async function screeningNoticePdf(ctx: RequestContext, wallId: string, input: NoticeInput): Promise<Buffer> {
  const row = await wallRow(ctx, wallId, 'wall.notice');
  await requireAccess(ctx, 'wall.manage', row.matter_id ? { kind: 'matter', matterId: row.matter_id as MatterId } : { kind: 'client', clientId: row.client_id as ClientId }, { other: { type: 'wall', id: wallId }, purpose: 'screening notice' });
  const wall = await getWallView(ctx, wallId);
  const screened = wall.members.map(person);
  const date = day(ctx.app.clock.now());
  const effective = day(wall.createdAt);
  const { acknowledged, awaiting } = acknowledgementLines(wall);

  const doc = new PDFDocument({ size: 'LETTER', margin: 72, info: { Title: 'Notice of ethical screen', Author: input.firmName, Creator: 'Confidant' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(14).text(input.firmName);
  doc.moveDown().font('Helvetica').fontSize(11).text(date);
  doc.moveDown().text(input.addressee);
  doc.moveDown().font('Helvetica-Bold').text(`Re: Notice of ethical screen — ${input.clientReference}`);
  doc.moveDown().font('Helvetica');
  doc.text(
    `We write to notify you, as required by Rule 1.10(a)(2) of the Model Rules of Professional Conduct as adopted in our jurisdiction, that ` +
      `${screened.length === 1 ? 'the following person has' : 'the following people have'} been screened from any participation in the matter referenced above, effective ${effective}:`,
  );
  doc.moveDown();
  for (const name of screened) doc.text(`•  ${name}`, { indent: 18 });
  doc.moveDown().font('Helvetica-Bold').text('Screening procedures');
  doc.font('Helvetica');
  for (const line of [
    'The screened person is denied access, by our records system, to every document, note and record of the matter; the denial takes effect on their next request and overrides any other permission, including administrative rights.',
    'Every attempt by a screened person to open the matter is refused, recorded in a tamper-evident audit log, and reported at once to our compliance officer.',
    'The screened person and the members of the matter team have been given a written memorandum describing the screen and are asked to acknowledge it in writing; who has done so is set out below.',
    wall.kind === 'inclusionary' ? 'The matter is further restricted to the named members of its team.' : 'The screened person will not discuss the matter with any member of the firm.',
    'The screened person will receive no part of the fee from the matter directly.',
  ]) {
    doc.text(`•  ${line}`, { indent: 18 });
    doc.moveDown(0.3);
  }
  doc.moveDown().font('Helvetica-Bold').text('Acknowledgement of the screening memorandum');
  doc.font('Helvetica').text(acknowledged.length ? `Acknowledged in writing (${acknowledged.length}):` : 'Nobody has acknowledged the memorandum in writing yet.');
  for (const line of acknowledged) doc.text(`•  ${line}`, { indent: 18 });
  doc.moveDown(0.3).text(awaiting.length ? `Not yet acknowledged (${awaiting.length}), as of ${date}:` : `Everyone the screen concerns has acknowledged it, as of ${date}.`);
  for (const name of awaiting) doc.text(`•  ${name}`, { indent: 18 });
  doc.moveDown().text(
    'We certify that these procedures are in place and being followed. On your reasonable request we will provide further certification of compliance with these procedures and answer any questions about them.',
  );
  doc.moveDown(2).text('Sincerely,');
  doc.moveDown(2).text(input.signatory);
  doc.text(input.firmName);
  doc.moveDown(2).fontSize(8).fillColor('#555555').text(`Screen reference ${wall.id}. The firm's audit log can prove who did and did not open the matter since that date.`);
  doc.end();
  return done;
}
