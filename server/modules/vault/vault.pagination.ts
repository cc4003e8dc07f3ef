import { Type } from 'typebox';
import { AppError } from '../../platform/errors.js';
import { isUuid, UUID_PATTERN } from '../../platform/ids.js';

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    /** The last id of the previous page (ids are time-ordered UUIDv7). */
    after: Type.Optional(Type.String({ pattern: UUID_PATTERN })),
  },
  { additionalProperties: false },
);

export interface Page {
  limit: number;
  after: string | null;
}

export function pageOf(query: { limit?: number; after?: string } | undefined): Page {
  const limit = query?.limit ?? 50;
  const after = query?.after ?? null;
  if (after !== null && !isUuid(after)) throw new AppError('VALIDATION_FAILED', 'Invalid cursor', [{ path: 'querystring.after', message: 'must be an id' }]);
  return { limit, after };
}

/** Fetch limit + 1 rows; this trims the extra one and says where the next page starts. */
export function pageResult<T extends { id: string }>(rows: T[], page: Page): { rows: T[]; nextCursor: string | null } {
  const more = rows.length > page.limit;
  const kept = more ? rows.slice(0, page.limit) : rows;
  return { rows: kept, nextCursor: more ? kept[kept.length - 1]!.id : null };
}

/** Candidate rows read per query while looking for search matches. */
export const SCAN_BATCH = 1000;

/**
 * For searches whose match is decided outside SQL (per-client blind indexes): walks candidate rows
 * in id order, SCAN_BATCH at a time, and returns the ids of the first `page.limit + 1` matches
 * (fed to `pageResult` like a page query's rows).
 */
export async function collectMatches<R extends { id: string }>(page: Page, fetch: (after: string | null, limit: number) => Promise<R[]>, matches: (rows: R[]) => Promise<boolean[]>): Promise<string[]> {
  const wanted = page.limit + 1;
  const found: string[] = [];
  let after = page.after;
  for (;;) {
    const batch = await fetch(after, SCAN_BATCH);
    const hits = await matches(batch);
    for (let i = 0; i < batch.length && found.length < wanted; i++) if (hits[i]) found.push(batch[i]!.id);
    if (found.length >= wanted || batch.length < SCAN_BATCH) return found;
    after = batch[batch.length - 1]!.id;
  }
}
