/**
 * Registers and reports as CSV and PDF: one table shape, two renderings. CSV cells that a
 * spreadsheet would run as a formula are defused (a leading `'`).
 */
import PDFDocument from 'pdfkit';

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export interface ReportTable {
  title: string;
  /** A line under the title: what the table is, as of when. */
  subtitle: string;
  columns: { key: string; label: string; /** Relative width in the PDF. */ width: number }[];
  rows: Record<string, string | number | null>[];
}

const text = (value: string | number | null | undefined) => (value === null || value === undefined ? '' : String(value));

export function tableCsv(table: ReportTable): string {
  const lines = [table.columns.map((c) => csvCell(c.key)).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvCell(text(row[c.key]))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export async function tablePdf(table: ReportTable, generatedAt: Date): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 36, info: { Title: table.title, Creator: 'Confidant' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(14).text(table.title);
  doc.font('Helvetica').fontSize(9).text(`${table.subtitle} Generated ${generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`);
  doc.moveDown();
  const usable = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const total = table.columns.reduce((sum, c) => sum + c.width, 0);
  const widths = table.columns.map((c) => (c.width / total) * usable);
  const row = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    const height = Math.max(...cells.map((cell, i) => doc.heightOfString(cell || ' ', { width: widths[i]! - 4 })));
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    let x = doc.page.margins.left;
    cells.forEach((cell, i) => {
      doc.text(cell, x, y, { width: widths[i]! - 4 });
      x += widths[i]!;
    });
    doc.x = doc.page.margins.left;
    doc.y = y + height + 4;
  };
  row(table.columns.map((c) => c.label), true);
  if (table.rows.length === 0) doc.font('Helvetica-Oblique').fontSize(9).text('No entries.');
  for (const r of table.rows) row(table.columns.map((c) => text(r[c.key])), false);
  doc.end();
  return done;
}
