/**
 * Searches over sealed names and titles: `exact` through the per-client blind index, `prefix`
 * (pickers) by decrypting the candidate rows of the actor's scope — only rows `scopeFor` let
 * through, at most `PREFIX_SCAN_LIMIT` of them per request — and comparing their `searchKey`. The
 * searched value is never stored, logged or audited (events carry counts and ids).
 */
import { AppError } from '../../platform/errors.js';
import { matchesWordPrefix, searchKey } from './conflicts.names.js';
import { collectMatches, SCAN_BATCH, type Page } from './vault.pagination.js';

export type SearchFilter = { exact: string } | { prefix: string };

/** Rows decrypted per prefix search at most (a picker's question, not a report): beyond it the answer is what was found so far. */
export const PREFIX_SCAN_LIMIT = 5_000;

/** The search a body asks for: `{ name | title }` exact, or `{ query, match? }` (prefix unless `match: 'exact'`). Throws VALIDATION_FAILED naming the field. */
export function searchFilterOf(body: { name?: string; title?: string; query?: string; match?: 'exact' | 'prefix' }, exactField: 'name' | 'title'): SearchFilter {
  const exact = body[exactField];
  if (exact !== undefined && body.query !== undefined) throw new AppError('VALIDATION_FAILED', 'Give either an exact value or a query', [{ path: 'body.query', message: `give either ${exactField} or query, not both` }]);
  if (exact !== undefined) {
    if (body.match === 'prefix') throw new AppError('VALIDATION_FAILED', 'A prefix search takes a query', [{ path: 'body.match', message: `prefix needs query, not ${exactField}` }]);
    return { exact };
  }
  if (body.query === undefined) throw new AppError('VALIDATION_FAILED', 'Nothing to search for', [{ path: 'body.query', message: `is required (or ${exactField} for an exact match)` }]);
  if (body.match === 'exact') return { exact: body.query };
  const prefix = searchKey(body.query);
  if (prefix === '') throw new AppError('VALIDATION_FAILED', 'The query has no letters or digits', [{ path: 'body.query', message: 'must contain a letter or a digit' }]);
  return { prefix };
}

/**
 * Ids (in id order, at most a page and one) of the candidate rows one of whose texts has a word
 * starting with `prefix`. `fetch` must return only rows in the actor's scope; `textsOf` opens a
 * row's values (null when they cannot be opened — a shredded client).
 */
export async function prefixMatchingIds<R extends { id: string }>(page: Page, prefix: string, fetch: (after: string | null, limit: number) => Promise<R[]>, textsOf: (row: R) => Promise<(string | null)[]>): Promise<string[]> {
  let scanned = 0;
  return collectMatches(
    page,
    async (after, limit) => {
      if (scanned >= PREFIX_SCAN_LIMIT) return [];
      const rows = await fetch(after, Math.min(limit, SCAN_BATCH));
      scanned += rows.length;
      return rows;
    },
    async (rows) => Promise.all(rows.map(async (row) => (await textsOf(row)).some((text) => text !== null && matchesWordPrefix(searchKey(text), prefix)))),
  );
}
