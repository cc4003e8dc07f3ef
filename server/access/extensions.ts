/**
 * What other modules plug into access, per instance: the user directory (identity), extra gates,
 * the kinds of change the two-person rule knows, how to find the parent of an object, and the key
 * access seals its free text under (keys). Each module declares them in its `provides.access`;
 * the composition root (server, CLI and tests alike) installs them into the instance's services
 * with `installAccessProvisions`, so nothing is process-wide and two instances in one process do
 * not share them.
 */
import type { AppServices } from '../platform/context.js';
import type { ApprovalKind } from './approvals.service.js';
import type { UserDirectory } from './directory.js';
import type { GateDefinition } from './gates.js';
import type { TargetLabeler } from './labels.js';
import type { SealingKeyProvider } from './sealing.js';
import type { AccessTarget, ParentResolver } from './targets.js';
import type { ClientId, MatterId } from '../../common/ids.js';
import type { Permission } from '../../common/permissions.js';
import type { Actor, RequestContext } from '../platform/context.js';

/**
 * Whether a client's portal contact reaches this target (portal module): their contact is live,
 * the client is theirs, the matter is one of theirs, the item is shown to them. Asked only for
 * the client permissions, after the choke point has resolved the target's client and matter.
 */
export type ClientReach = (input: { ctx: RequestContext; actor: Extract<Actor, { kind: 'user' }>; permission: Permission; target: AccessTarget; clientId: ClientId; matterId: MatterId | null }) => Promise<boolean>;

export interface AccessProvisions {
  userDirectory?: (services: AppServices) => UserDirectory;
  gates?: GateDefinition[];
  approvalKinds?: ApprovalKind[];
  /** Object type (e.g. `document`) → how to find the matter or client it belongs to. */
  parentResolvers?: Record<string, ParentResolver>;
  sealingKey?: SealingKeyProvider;
  /** Numbers, titles and names for pages that show matters and clients by id (vault). */
  labeler?: (services: AppServices) => TargetLabeler;
  /** What a client's portal contact reaches (portal). Without it, clients reach nothing. */
  clientReach?: ClientReach;
}

export interface AccessExtensions {
  userDirectory: UserDirectory | null;
  gates: ReadonlyMap<string, GateDefinition>;
  approvalKinds: ReadonlyMap<string, ApprovalKind>;
  parentResolvers: ReadonlyMap<string, ParentResolver>;
  sealingKey: SealingKeyProvider | null;
  labeler: TargetLabeler | null;
  clientReach: ClientReach | null;
}

const NONE: AccessExtensions = { userDirectory: null, gates: new Map(), approvalKinds: new Map(), parentResolvers: new Map(), sealingKey: null, labeler: null, clientReach: null };
const installed = new WeakMap<AppServices, AccessExtensions>();

/** Installs what the modules provide (called once per instance by the composition root). */
export function installAccessProvisions(services: AppServices, provisions: AccessProvisions[]): void {
  const gates = new Map<string, GateDefinition>();
  const approvalKinds = new Map<string, ApprovalKind>();
  const parentResolvers = new Map<string, ParentResolver>();
  let userDirectory: UserDirectory | null = null;
  let sealingKey: SealingKeyProvider | null = null;
  let labeler: TargetLabeler | null = null;
  let clientReach: ClientReach | null = null;
  for (const p of provisions) {
    for (const gate of p.gates ?? []) gates.set(gate.key, gate);
    for (const kind of p.approvalKinds ?? []) {
      if (approvalKinds.has(kind.kind)) throw new Error(`Two modules provide the approval kind ${kind.kind}`);
      approvalKinds.set(kind.kind, kind);
    }
    for (const [type, resolver] of Object.entries(p.parentResolvers ?? {})) parentResolvers.set(type, resolver);
    if (p.userDirectory) userDirectory = p.userDirectory(services);
    if (p.sealingKey) sealingKey = p.sealingKey;
    if (p.labeler) labeler = p.labeler(services);
    if (p.clientReach) clientReach = p.clientReach;
  }
  installed.set(services, { userDirectory, gates, approvalKinds, parentResolvers, sealingKey, labeler, clientReach });
}

/** What is installed for this instance (nothing, for services no composition root set up). */
export function extensionsOf(services: AppServices): AccessExtensions {
  return installed.get(services) ?? NONE;
}

declare module '../platform/module.js' {
  interface ModuleProvisions {
    access?: AccessProvisions;
  }
}
