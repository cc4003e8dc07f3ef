/**
 * Response schemas that are not JSON objects, typed as what a handler sends for them, so the
 * TypeBox type provider checks `reply.send(…)` like any other answer.
 */
import type { Readable } from 'node:stream';
import { Type } from 'typebox';

/** A binary body (`{ type: 'string', format: 'binary' }`): a stream or bytes, piped, not serialized. */
export const Binary = Type.Unsafe<Readable | Buffer>({ type: 'string', format: 'binary' });

/** 204: no body, so `reply.code(204).send()`. */
export const NoContent = Type.Unsafe<undefined>({ type: 'null', description: 'No content' });
