/** From stored rows and access's labels to the audit API's shapes: explicit allowlists. */
import type { RequestContext } from '../platform/context.js';
import type { AlertRow } from './alerts.repository.js';
import type { Alert, Names } from './audit.schemas.js';
import { targetDescriber } from './hooks.js';

export function presentAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    rule: row.rule,
    actorId: row.actor_id,
    severity: row.severity,
    firstIndex: row.first_seq === null ? null : Number(row.first_seq),
    lastIndex: row.last_seq === null ? null : Number(row.last_seq),
    detail: JSON.parse(row.detail) as Record<string, number | string>,
    contained: row.contained === 1,
    status: row.status === 'acknowledged' ? 'acknowledged' : 'open',
    createdAt: Number(row.created_at),
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at === null ? null : Number(row.acknowledged_at),
  };
}

export interface NameRefs {
  userIds?: readonly (string | null | undefined)[];
  matterIds?: readonly (string | null | undefined)[];
  clientIds?: readonly (string | null | undefined)[];
}

export const NO_NAMES: Names = { users: [], matters: [], clients: [] };

/**
 * Names for the ids of an answer, as `ctx`'s viewer may see them (access decides: titles and
 * client names only where the viewer may open the matter or client). Empty without a describer.
 */
export async function namesFor(ctx: RequestContext, refs: NameRefs): Promise<Names> {
  const describe = targetDescriber(ctx.app);
  if (!describe) return NO_NAMES;
  const labels = await describe(ctx, refs);
  return {
    users: [...labels.users].map(([id, user]) => ({ id, name: user.name, email: user.email })),
    matters: [...labels.matters].map(([id, matter]) => ({ id, number: matter.number, clientId: matter.clientId, title: matter.title, clientName: matter.clientName })),
    clients: [...labels.clients].map(([id, client]) => ({ id, name: client.name })),
  };
}

/** Names for mail: people's names and matter numbers only — never a title or a client name, whoever reads it. */
export async function mailNamesFor(ctx: RequestContext, refs: Pick<NameRefs, 'userIds' | 'matterIds'>): Promise<{ users: Map<string, string>; matters: Map<string, string> }> {
  const describe = targetDescriber(ctx.app);
  const users = new Map<string, string>();
  const matters = new Map<string, string>();
  if (!describe) return { users, matters };
  const labels = await describe(ctx, { userIds: refs.userIds, matterIds: refs.matterIds });
  for (const [id, user] of labels.users) users.set(id, user.name);
  for (const [id, matter] of labels.matters) matters.set(id, matter.number);
  return { users, matters };
}
