/**
 * CSV in and out for training imports and review evidence. Written by hand (no CSV library is a
 * direct dependency, and the import must report each row by its line number): RFC 4180 quoting,
 * quoted fields may span lines; a cell a spreadsheet would evaluate gets a leading quote on output.
 */
import { csvCell } from '../../platform/reports/tables.js';

export interface CsvRow {
  /** The 1-based line the row starts on. */
  line: number;
  cells: string[];
}

/** Parses CSV text into rows; an unterminated quote is reported with the line it started on. */
export function parseCsv(text: string): { rows: CsvRow[]; error: { line: number; message: string } | null } {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let atCellStart = true;
  const source = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < source.length; i += 1) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"') {
        if (source[i + 1] === '"') {
          cell += '"';
          i += 1;
        } else quoted = false;
      } else {
        if (ch === '\n') line += 1;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && atCellStart) {
      quoted = true;
      atCellStart = false;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      atCellStart = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i += 1;
      cells.push(cell);
      if (!(cells.length === 1 && cells[0]!.trim() === '')) rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      atCellStart = true;
      line += 1;
      rowLine = line;
    } else {
      cell += ch;
      atCellStart = false;
    }
  }
  if (quoted) return { rows, error: { line: rowLine, message: 'a quoted field is not closed' } };
  cells.push(cell);
  if (!(cells.length === 1 && cells[0]!.trim() === '')) rows.push({ line: rowLine, cells });
  return { rows, error: null };
}

export { csvCell };

export const csvLine = (cells: (string | number | null)[]): string => cells.map((c) => csvCell(c === null ? '' : String(c))).join(',');
