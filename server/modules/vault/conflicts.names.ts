/**
 * How names are compared when nobody may see them in clear: for pickers (case- and
 * accent-insensitive, word prefixes) and for the conflict check (also punctuation and company
 * suffixes, so "Globex, Inc." and "GLOBEX LLC" are the same name). Pure functions, no I/O.
 */

/** Company forms dropped at the end of a name before a conflict comparison (after normalising). */
const COMPANY_SUFFIXES = [
  'limited', 'ltd', 'llc', 'l l c', 'llp', 'l l p', 'lp', 'inc', 'incorporated', 'corp', 'corporation', 'co', 'company', 'plc', 'gmbh', 'ag', 'sa', 's a', 'sarl', 'sas', 'bv', 'b v', 'nv', 'n v', 'oy', 'ab', 'as', 'spa', 's p a', 'srl', 'pty', 'pty ltd', 'pte', 'pte ltd', 'kg', 'ug', 'se', 'sl',
];
// Longest first, so "pty ltd" goes before "ltd".
const SUFFIXES_BY_LENGTH = [...COMPANY_SUFFIXES].sort((a, b) => b.length - a.length);

/** Lower case, accents removed, every run of punctuation or space one space: "Café-Müller & Co." → "cafe muller co". */
export function searchKey(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** `searchKey` without company forms ("The Globex Corporation Ltd" → "globex"); never empty for a non-empty name. */
export function conflictKey(value: string): string {
  let key = searchKey(value).replace(/^the /, '');
  for (let changed = true; changed; ) {
    changed = false;
    for (const suffix of SUFFIXES_BY_LENGTH) {
      if (key.endsWith(` ${suffix}`)) {
        key = key.slice(0, -(suffix.length + 1)).trimEnd();
        changed = true;
        break;
      }
    }
  }
  return key || searchKey(value);
}

/** Whether `needle` (a `searchKey`) starts one of the words of `text` (a `searchKey`): "glo" and "inc" find "globex inc". */
export function matchesWordPrefix(text: string, needle: string): boolean {
  if (needle === '') return false;
  return ` ${text}`.includes(` ${needle}`);
}
