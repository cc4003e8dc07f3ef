/**
 * Legal holds, as the vault sees them. The retention module owns holds; the vault only asks,
 * through the hook other modules provide (`provides.vault.heldItems`, installed per instance by the
 * composition root), which of the items it is about to change are held — inside the write's own
 * transaction, so a hold placed concurrently either commits first (and refuses the change) or
 * after it. The vault's own `legal_hold` column on documents is honoured too.
 */
import { auditedRefusal } from '../../access/index.js';
import type { AuditResources } from '../../audit/index.js';
import type { AppServices, RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';

/** Something a hold may cover: a document's or note's creator, a record's custodian as `custodianId`. */
export interface HeldItem {
  type: 'document' | 'note' | 'record';
  id: string;
  custodianId: string | null;
}

/** What a module plugs into the vault (`provides.vault`). */
export interface VaultProvisions {
  /**
   * Which of `items` (all of one matter of one client) are under a legal hold: their ids. Called
   * inside the vault's write transaction (`tx`), once per list for views.
   */
  heldItems?: (tx: RequestContext, where: { clientId: string; matterId: string }, items: HeldItem[]) => Promise<Set<string>>;
}

declare module '../../platform/module.js' {
  interface ModuleProvisions {
    vault?: VaultProvisions;
  }
}

type HeldItemsHook = NonNullable<VaultProvisions['heldItems']>;
const installed = new WeakMap<AppServices, HeldItemsHook[]>();

/** The composition root installs what modules plug into the vault (server, CLI and tests alike). */
export function installVaultProvisions(services: AppServices, provisions: VaultProvisions[]): void {
  installed.set(
    services,
    provisions.flatMap((p) => (p.heldItems ? [p.heldItems] : [])),
  );
}

/** The ids among `items` that some provision says are held (one call per provision). */
export async function heldItemIds(ctx: RequestContext, where: { clientId: string; matterId: string }, items: HeldItem[]): Promise<Set<string>> {
  const held = new Set<string>();
  if (items.length === 0) return held;
  const asked = new Set(items.map((item) => item.id));
  for (const hook of installed.get(ctx.app) ?? []) {
    for (const id of await hook(ctx, where, items)) if (asked.has(id)) held.add(id);
  }
  return held;
}

const MESSAGES: Record<HeldItem['type'], string> = {
  document: 'This document is under legal hold; it cannot be changed or removed until the hold is released',
  note: 'This note is under legal hold; it cannot be changed or deleted until the hold is released',
  record: 'This record is under legal hold; it cannot be changed or destroyed until the hold is released',
};

/**
 * Refuses (409 LEGAL_HOLD, audited as a denied `action` with reason LEGAL_HOLD) when `item` is
 * held — by a provision, or `alsoHeld` (the document's own `legal_hold` marker). Call inside the
 * write's transaction.
 */
export async function refuseIfHeld(ctx: RequestContext, where: { clientId: string; matterId: string }, item: HeldItem, event: { action: string; resources: AuditResources }, alsoHeld = false): Promise<void> {
  if (!alsoHeld && !(await heldItemIds(ctx, where, [item])).has(item.id)) return;
  throw await auditedRefusal(ctx, new AppError('LEGAL_HOLD', MESSAGES[item.type]), { action: event.action, reason: 'LEGAL_HOLD', resources: event.resources });
}
