/**
 * Upper bounds for integers that arrive in requests, so a value a column cannot hold is a 400
 * naming the field, never a database error (PostgreSQL `integer` overflows above 2^31 - 1).
 */
/** Largest value of an `integer` column (versions, revisions). */
export const MAX_INT32 = 2_147_483_647;
/** Latest instant a JavaScript Date can hold, in epoch milliseconds (fits a `bigint` column). */
export const MAX_TIME_MS = 8_640_000_000_000_000;
