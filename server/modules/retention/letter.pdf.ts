/**
 * The end-of-engagement letter: at the end of a client's engagement, what the firm keeps, for how
 * long and why, what it will destroy and when, and the client's rights over their data. A4 PDF in
 * plain professional English; deterministic (its dates come from the input, not the clock).
 */
import PDFDocument from 'pdfkit';

export interface EndOfEngagementLetterInput {
  firmName: string;
  clientName: string;
  clientNumber: string | null;
  /** When the engagement ended, epoch ms. */
  endedAt: number;
  matters: { number: string; closedAt: number | null }[];
  /** What the firm keeps, until when (null: no fixed end date) and why (the rule or purpose). */
  kept: { what: string; until: number | null; why: string }[];
  /** What will be destroyed, and on which date. */
  destroyAfter: { what: string; on: number }[];
  /** Whether what remains after destruction is anonymised (no name kept with it). */
  anonymise: boolean;
  /** How to reach the firm about the client's data (an address, an e-mail, a person). */
  contact: string;
  /** The letter's date, epoch ms (default: endedAt). */
  date?: number;
}

const MARGIN = 64;
const longDate = (at: number) => new Date(at).toLocaleDateString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });

/** Renders the letter. `options.compress` (default true) is for tests that read the text. */
export async function renderEndOfEngagementLetter(input: EndOfEngagementLetterInput, options: { compress?: boolean } = {}): Promise<Buffer> {
  const date = input.date ?? input.endedAt;
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: options.compress ?? true,
    info: { Title: 'End of engagement: your records and your rights', Author: input.firmName, Creator: 'Confidant', CreationDate: new Date(date), ModDate: new Date(date) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const text = (value: string, gap = 0.5) => {
    doc.font('Helvetica').fontSize(10.5).text(value, MARGIN, doc.y, { width, align: 'left' });
    doc.moveDown(gap);
  };
  const heading = (value: string) => {
    if (doc.y > doc.page.height - MARGIN - 60) doc.addPage();
    doc.moveDown(0.5).font('Helvetica-Bold').fontSize(11).text(value, MARGIN, doc.y, { width });
    doc.moveDown(0.3);
  };
  const bullet = (value: string, lead?: string) => {
    const at = { width: width - 12, indent: -9 };
    if (lead) doc.font('Helvetica-Bold').fontSize(10.5).text(`•  ${lead} `, MARGIN + 12, doc.y, { ...at, continued: true }).font('Helvetica').text(value);
    else doc.font('Helvetica').fontSize(10.5).text(`•  ${value}`, MARGIN + 12, doc.y, at);
    doc.moveDown(0.3);
  };

  doc.font('Helvetica-Bold').fontSize(14).text(input.firmName, MARGIN, MARGIN, { width });
  doc.moveDown(0.8).font('Helvetica').fontSize(10.5).text(longDate(date));
  doc.moveDown(0.8).text(input.clientName);
  if (input.clientNumber) doc.text(`Client number ${input.clientNumber}`);
  doc.moveDown().font('Helvetica-Bold').text('End of our engagement: your records and your rights');
  doc.moveDown();
  text(`Dear ${input.clientName},`);
  text(
    `Our engagement with you ended on ${longDate(input.endedAt)}. Thank you for the trust you placed in us. This letter explains which of your records we keep, for how long and why, what we will destroy and when, and the rights you have over your data.`,
  );

  if (input.matters.length > 0) {
    heading(input.matters.length === 1 ? 'The matter concerned' : 'The matters concerned');
    for (const matter of input.matters) bullet(`Matter ${matter.number}${matter.closedAt !== null ? `, closed on ${longDate(matter.closedAt)}` : ''}`);
  }

  heading('What we keep, for how long and why');
  if (input.kept.length === 0) text('We keep none of your records beyond what is listed for destruction below.');
  else {
    text('The law and the rules of our profession require us to keep some records after an engagement ends. We keep them securely and encrypted, and use them only for the reason given:', 0.3);
    for (const item of input.kept) bullet(`${item.what}: kept ${item.until !== null ? `until ${longDate(item.until)}` : 'for as long as that reason applies'}, because ${item.why}.`);
  }

  heading('What we will destroy, and when');
  if (input.destroyAfter.length === 0) text('No destruction is scheduled at present. We will write to you before we destroy any of your records.');
  else {
    for (const item of input.destroyAfter) bullet(`${item.what}: on ${longDate(item.on)}.`);
    text(
      'Electronic records are deleted and the encryption keys that protect them are destroyed; copies in our backups stay encrypted and are deleted when those backups expire under our backup schedule. Paper records are destroyed securely. We will not destroy records that are subject to a legal hold (for example because of a dispute or an investigation) until the hold is lifted.',
    );
  }
  text(
    input.anonymise
      ? 'Once your records are destroyed, what remains in our register — the matter numbers and dates, so that we can account for the engagement — is anonymised: it no longer carries your name or any other detail that identifies you.'
      : 'Once your records are destroyed, our register still shows that the engagement existed — your name, the matter numbers and dates — so that we can account for it (for example when we check for conflicts of interest).',
  );

  heading('Your rights');
  bullet('You may ask us at any time what personal data we hold about you and for a copy of it. Until your records are destroyed you can also download an export of your data yourself through the client portal; we recommend doing so before the dates above.', 'Access and a copy.');
  bullet('You may ask us to correct data about you that is inaccurate or incomplete.', 'Correction.');
  bullet('You may ask us to erase your data sooner. We will do so where the law allows; where we must keep a record for the periods given above, we will tell you which record and why.', 'Erasure.');
  bullet('When we destroy your records we issue a signed certificate of destruction listing what was destroyed and when. You may ask us for it, and you can download it in the client portal; anyone can check its signature against our published key without relying on us.', 'Certificate of destruction.');
  bullet('You have the right to lodge a complaint with the data protection supervisory authority. We would be grateful for the chance to answer your concern first.', 'Complaint.');

  heading('Contact');
  text(`To exercise any of these rights, or if you have a question about your records, please contact: ${input.contact}.`);
  doc.moveDown();
  text('Yours sincerely,', 2);
  text(input.firmName);

  doc.end();
  return done;
}
