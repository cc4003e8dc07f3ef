/** An incident's scope as stored (ids and counts) and as each viewer sees it (titles only where they may open the matter or client). */
import { describeTargets } from '../../access/index.js';
import type { RequestContext } from '../../platform/context.js';

export interface FrozenScope {
  actorIds: string[];
  ipRange: string | null;
  since: number;
  until: number;
  computedAt: number;
  events: number;
  firstIndex: number | null;
  lastIndex: number | null;
  clients: string[];
  matters: string[];
  documents: string[];
  /** Documents touched, by classification, and how many of them are privileged. */
  byClassification: Record<string, number>;
  privileged: number;
  /** True when a kind reached the 10,000 ids the scan returns: the counts are at least these. */
  truncated: boolean;
}

export interface LabelledScope extends Omit<FrozenScope, 'clients' | 'matters'> {
  actors: { id: string; name: string }[];
  clients: { id: string; label: string }[];
  matters: { id: string; label: string }[];
  counts: { clients: number; matters: number; documents: number };
  /** Labels are given for the first 500 clients and matters; the rest by id. */
  labelled: number;
}

const LABELLED = 500;

/** Ids with labels as this viewer may see them: a walled or unseen matter shows its number only (never its title), a client its neutral label. */
export async function labelScope(ctx: RequestContext, scope: FrozenScope): Promise<LabelledScope> {
  const labels = await describeTargets(ctx, { userIds: scope.actorIds, matterIds: scope.matters.slice(0, LABELLED), clientIds: scope.clients.slice(0, LABELLED) });
  const matterLabel = (id: string) => {
    const label = labels.matters.get(id);
    if (!label) return id;
    return label.title ? `${label.number} ${label.title}` : label.number;
  };
  const clientLabel = (id: string) => labels.clients.get(id)?.name ?? `Client ${id.slice(0, 8)} (name withheld)`;
  return {
    ...scope,
    actors: scope.actorIds.map((id) => ({ id, name: labels.users.get(id)?.name ?? 'Former user' })),
    clients: scope.clients.map((id) => ({ id, label: clientLabel(id) })),
    matters: scope.matters.map((id) => ({ id, label: matterLabel(id) })),
    counts: { clients: scope.clients.length, matters: scope.matters.length, documents: scope.documents.length },
    labelled: Math.min(LABELLED, Math.max(scope.clients.length, scope.matters.length)),
  };
}
