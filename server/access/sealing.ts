/**
 * Free text that access keeps about people and matters — wall memos, access-request reasons,
 * break-glass justifications and reviews — sealed at rest (AES-256-GCM under a firm key that the
 * keys module provides, bound to table, row and field), so a database copy alone does not read
 * them. Access sits below keys and cannot import it: keys provides the key (`provides.access.sealingKey`).
 */
import { encodeContext } from '../platform/crypto/chunked-aead.js';
import { openField, sealField } from '../platform/crypto/key-wrap.js';
import type { RequestContext } from '../platform/context.js';
import { extensionsOf } from './extensions.js';

export type SealingKeyProvider = (ctx: RequestContext) => Promise<Buffer>;


const PREFIX = 'sealed:v1:';

function aad(table: string, rowId: string, field: string): Buffer {
  return encodeContext(['confidant/access-text/v1', table, rowId, field]);
}

async function key(ctx: RequestContext): Promise<Buffer> {
  const provider = extensionsOf(ctx.app).sealingKey;
  if (!provider) throw new Error('No module provides the key access seals its text under (the keys module is not installed)');
  return provider(ctx);
}

/** The stored form of `value` for one field of one row. Throws SEALED. */
export async function sealText(ctx: RequestContext, table: string, rowId: string, field: string, value: string): Promise<string> {
  return PREFIX + sealField(await key(ctx), value, aad(table, rowId, field));
}

/** The text of a stored field (rows written before sealing are still plain). Throws SEALED. */
export async function openText(ctx: RequestContext, table: string, rowId: string, field: string, stored: string): Promise<string> {
  if (!stored.startsWith(PREFIX)) return stored;
  return openField(await key(ctx), stored.slice(PREFIX.length), aad(table, rowId, field));
}

export async function openNullableText(ctx: RequestContext, table: string, rowId: string, field: string, stored: string | null): Promise<string | null> {
  return stored === null ? null : openText(ctx, table, rowId, field, stored);
}
