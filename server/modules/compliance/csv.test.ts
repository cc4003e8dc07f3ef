import { describe, expect, it } from 'vitest';
import { csvLine, parseCsv } from './csv.js';

describe('compliance CSV', () => {
  it('numbers rows by the line they start on, across quoted line breaks, CRLF and blank lines', () => {
    const { rows, error } = parseCsv('\uFEFFemail,course\r\na@x.example,"Ethics, part 1"\r\n\r\nb@x.example,"Two\nlines"\nc@x.example,"say ""hi"""\n');
    expect(error).toBeNull();
    expect(rows.map((r) => [r.line, r.cells])).toEqual([
      [1, ['email', 'course']],
      [2, ['a@x.example', 'Ethics, part 1']],
      [4, ['b@x.example', 'Two\nlines']],
      [6, ['c@x.example', 'say "hi"']],
    ]);
  });

  it('reports an unclosed quote with the line it started on', () => {
    expect(parseCsv('email,course\na,"open\nb,c\n').error).toEqual({ line: 2, message: 'a quoted field is not closed' });
  });

  it('quotes on the way out, and defuses cells a spreadsheet would evaluate', () => {
    expect(csvLine(['plain', 'a,b', '=SUM(A1)', null, 3])).toBe(`plain,"a,b","'=SUM(A1)",,3`);
  });
});
