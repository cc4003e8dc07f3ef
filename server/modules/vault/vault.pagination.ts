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
