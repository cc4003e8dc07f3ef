/**
 * Names instead of ids for pages that show people, matters and clients they did not open
 * (audit log, who-accessed, walls, requests, break-glass, approvals): people's names for any
 * staff viewer; matter numbers for any viewer of the row; matter titles and client names only
 * when the viewer may open that matter or client (`canAccess`, silent: labelling is not a read
 * of its own — the page's own event records what was shown).
 *
 * The owning modules provide the lookups (`provides.access.labels`): identity through the user
 * directory, vault through a `TargetLabeler`. Ids nobody provides a label for are simply absent
 * from the maps, and the page shows "unknown" or the id's short form.
 */
import type { Permission } from '../../common/permissions.js';
import type { ClientId, MatterId } from '../../common/ids.js';
import type { RequestContext } from '../platform/context.js';
import { canAccess } from './choke-point.js';
import { userDirectory } from './directory.js';
import { extensionsOf } from './extensions.js';

export interface MatterLabel {
  number: string;
  clientId: string;
  /** Null when the viewer may not open the matter (or its client was shredded). */
  title: string | null;
  /** Null when the viewer may not open the matter's client. */
  clientName: string | null;
}

export interface ClientLabel {
  /** Null when the viewer may not open the client (or it was shredded). */
  name: string | null;
}

export interface TargetLabels {
  users: Map<string, { name: string; email: string }>;
  matters: Map<string, MatterLabel>;
  clients: Map<string, ClientLabel>;
}

/**
 * What a module that owns matters and clients answers. Unsafe by contract: it reads rows by raw
 * id without a decision, so it opens titles and names only for the ids in `open…` — the ones
 * `describeTargets` has just checked the viewer may open.
 */
export interface TargetLabeler {
  unsafeMatterLabels(ctx: RequestContext, matterIds: string[], openTitles: ReadonlySet<string>, openClientNames: ReadonlySet<string>): Promise<Map<string, MatterLabel>>;
  unsafeClientLabels(ctx: RequestContext, clientIds: string[], openNames: ReadonlySet<string>): Promise<Map<string, ClientLabel>>;
  /** Ids of the matters whose number starts with `prefix` (case ignored), by number, at most `limit`: numbers only, nothing sealed. */
  unsafeMatterIdsByNumber(ctx: RequestContext, prefix: string, limit: number): Promise<string[]>;
}

const MATTER_READ: Permission = 'matter.read';
const CLIENT_READ: Permission = 'client.read';
/** A client's portal contact opens the titles of their own matters and their client's name through the portal's read. */
const readFor = (ctx: RequestContext, staff: Permission): Permission => (ctx.actor.kind === 'user' && ctx.actor.role === 'client' ? 'portal.read' : staff);
/** Bounded per call: a page of rows, not a report. */
const MAX_IDS = 500;

async function allowedAmong(ctx: RequestContext, ids: string[], check: (id: string) => Promise<boolean>): Promise<Set<string>> {
  const allowed = new Set<string>();
  for (const id of ids) if (await check(id)) allowed.add(id);
  return allowed;
}

const distinct = (ids: readonly (string | null | undefined)[] | undefined): string[] => [...new Set((ids ?? []).filter((id): id is string => typeof id === 'string' && id.length > 0))].slice(0, MAX_IDS);

/** Labels for the given ids, as this viewer may see them (see the file comment). */
export async function describeTargets(ctx: RequestContext, refs: { userIds?: readonly (string | null | undefined)[]; matterIds?: readonly (string | null | undefined)[]; clientIds?: readonly (string | null | undefined)[] }): Promise<TargetLabels> {
  const labels: TargetLabels = { users: new Map(), matters: new Map(), clients: new Map() };
  const userIds = distinct(refs.userIds);
  const directory = userDirectory(ctx);
  if (directory && userIds.length > 0) {
    for (const user of await directory.getUsers(ctx, userIds)) labels.users.set(user.id, { name: user.name, email: user.email });
  }
  const labeler = extensionsOf(ctx.app).labeler;
  if (!labeler) return labels;
  const matterIds = distinct(refs.matterIds);
  if (matterIds.length > 0) {
    const openTitles = await allowedAmong(ctx, matterIds, (id) => canAccess(ctx, readFor(ctx, MATTER_READ), { kind: 'matter', matterId: id as MatterId }));
    // A matter's client name: shown when the viewer may open the client, which opening the matter implies for its name.
    labels.matters = await labeler.unsafeMatterLabels(ctx, matterIds, openTitles, openTitles);
  }
  const clientIds = distinct(refs.clientIds);
  if (clientIds.length > 0) {
    const openNames = await allowedAmong(ctx, clientIds, (id) => canAccess(ctx, readFor(ctx, CLIENT_READ), { kind: 'client', clientId: id as ClientId }));
    labels.clients = await labeler.unsafeClientLabels(ctx, clientIds, openNames);
  }
  return labels;
}

/**
 * Matters by the start of their number, labelled for this viewer — for people who act on matters
 * they may not open (a compliance officer walling a matter). The caller checks the permission
 * first; titles and client names still come only where the viewer may open the matter.
 */
export async function findMattersByNumber(ctx: RequestContext, prefix: string, limit: number): Promise<{ id: string; label: MatterLabel }[]> {
  const labeler = extensionsOf(ctx.app).labeler;
  if (!labeler) return [];
  const ids = await labeler.unsafeMatterIdsByNumber(ctx, prefix, Math.min(limit, 50));
  const labels = await describeTargets(ctx, { matterIds: ids });
  return ids.flatMap((id) => {
    const label = labels.matters.get(id);
    return label ? [{ id, label }] : [];
  });
}
