/**
 * What a decision can be about. Firm, client and matter are access's own; everything else — a
 * document, a note, a record, whatever a new module adds — is an object whose owning module
 * provides how to find its parent (a matter or a client). The choke point resolves the parent
 * itself, so no service writes a hand-made parent check, and a missing object is decided (and
 * audited) exactly like a forbidden one.
 */
import type { ClientId, MatterId } from '../../common/ids.js';
import type { RequestContext } from '../platform/context.js';
import { extensionsOf } from './extensions.js';

export type FirmTarget = { kind: 'firm' };
export type ClientTarget = { kind: 'client'; clientId: ClientId };
export type MatterTarget = { kind: 'matter'; matterId: MatterId };
/** An object of a registered type (e.g. `document`, `note`, `record`) by its id. */
export type ObjectTarget = { kind: 'object'; type: string; id: string };
export type AccessTarget = FirmTarget | ClientTarget | MatterTarget | ObjectTarget;

/** The parent an object belongs to, or null when there is no such object (deleted counts as none). */
export type ParentResolver = (ctx: RequestContext, id: string) => Promise<{ matterId: MatterId } | { clientId: ClientId } | null>;

/** The parent of an object, through the resolver its module provides (`provides.access.parentResolvers`). */
export async function parentOf(ctx: RequestContext, target: ObjectTarget): Promise<{ matterId: MatterId } | { clientId: ClientId } | null> {
  const resolver = extensionsOf(ctx.app).parentResolvers.get(target.type);
  if (!resolver) throw new Error(`No module provides a parent resolver for ${target.type}`);
  return resolver(ctx, target.id);
}
