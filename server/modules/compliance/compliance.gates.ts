/**
 * The three gates the compliance module provides to access (`provides.access.gates`): a signed,
 * unexpired confidentiality agreement; current confidentiality training (every confidentiality
 * course of the person's role passed and not past its refresher); and the current version of
 * every required policy acknowledged. They replace access's built-in agreement and training gates
 * (same keys, same settings). Records kept before this module — access's own agreement and
 * training records (`/access/agreements`) — still count for the first two, so switching the
 * module on locks nobody out who was on file.
 *
 * Cheap: the person's rows and the firm's required policies and courses are read once per policy
 * version token (`facts.version`) and cached per instance; every change to those records calls
 * `bumpPolicyVersion` first in its transaction, so the next decision sees it. Facts read inside a
 * transaction are used by it but never cached.
 */
import type { GateDefinition } from '../../access/index.js';
import type { AppServices, RequestContext } from '../../platform/context.js';
import { unsafeGateFirmRows, unsafeGateRowsOf } from './compliance.repository.js';
import { parseRoles } from './compliance.support.js';

interface FirmGateFacts {
  version: string;
  requiredPolicies: { id: string; version: number }[];
  confidentialityCourses: { id: string; roles: string[] }[];
}

interface PersonGateFacts {
  version: string;
  agreements: { signedAt: number; expiresAt: number | null }[];
  /** course → latest expiry of a passed completion (null: never expires). */
  courses: Map<string, number | null>;
  acknowledged: Set<string>;
}

interface GateCache {
  firm: FirmGateFacts | null;
  people: Map<string, PersonGateFacts>;
}

const caches = new WeakMap<AppServices, GateCache>();
const cacheOf = (app: AppServices): GateCache => {
  let cache = caches.get(app);
  if (!cache) caches.set(app, (cache = { firm: null, people: new Map() }));
  return cache;
};

async function firmGateFacts(ctx: RequestContext, version: string): Promise<FirmGateFacts> {
  const cache = cacheOf(ctx.app);
  if (cache.firm?.version === version) return cache.firm;
  const rows = await unsafeGateFirmRows(ctx);
  const facts: FirmGateFacts = {
    version,
    requiredPolicies: rows.policies.map((p) => ({ id: p.id, version: p.current_version })),
    confidentialityCourses: rows.courses.map((c) => ({ id: c.id, roles: parseRoles(c.roles) })),
  };
  if (!ctx.db.isTransaction) cache.firm = facts;
  return facts;
}

async function personGateFacts(ctx: RequestContext, userId: string, version: string): Promise<PersonGateFacts> {
  const cache = cacheOf(ctx.app);
  const cached = cache.people.get(userId);
  if (cached?.version === version) return cached;
  const rows = await unsafeGateRowsOf(ctx, userId);
  const courses = new Map<string, number | null>();
  for (const c of rows.completions) {
    const expires = c.expires_at === null ? null : Number(c.expires_at);
    const known = courses.get(c.course_id);
    if (known === undefined || (known !== null && (expires === null || expires > known))) courses.set(c.course_id, expires);
  }
  const facts: PersonGateFacts = {
    version,
    agreements: rows.agreements.map((a) => ({ signedAt: Number(a.signed_at), expiresAt: a.expires_at === null ? null : Number(a.expires_at) })),
    courses,
    acknowledged: new Set(rows.acks.map((a) => `${a.policy_id}:${a.version}`)),
  };
  if (!ctx.db.isTransaction) {
    if (cache.people.size >= 5_000) cache.people.clear();
    cache.people.set(userId, facts);
  }
  return facts;
}

const legacyCurrent = (facts: { agreements: { kind: string; expiresAt: number | null }[] }, kind: 'agreement' | 'training', now: number) =>
  facts.agreements.some((a) => a.kind === kind && (a.expiresAt === null || a.expiresAt > now));

export const COMPLIANCE_GATES: GateDefinition[] = [
  {
    key: 'confidentiality_agreement',
    title: 'Signed confidentiality agreement',
    description: 'Client data opens only for people with a signed confidentiality agreement on file that has not expired or been withdrawn (Compliance → Agreements).',
    defaultEnabled: false,
    failure: 'GATE_NOT_SATISFIED',
    reason: 'GATE_AGREEMENT',
    isSatisfied: async ({ ctx, actor, facts, now }) => {
      if (legacyCurrent(facts, 'agreement', now)) return true;
      const person = await personGateFacts(ctx, actor.userId, facts.version);
      return person.agreements.some((a) => a.signedAt <= now && (a.expiresAt === null || a.expiresAt > now));
    },
  },
  {
    key: 'confidentiality_training',
    title: 'Current confidentiality training',
    description: 'Client data opens only for people who passed every confidentiality course of their role and whose refresher is not yet due (Compliance → Training).',
    defaultEnabled: false,
    failure: 'GATE_NOT_SATISFIED',
    reason: 'GATE_TRAINING',
    isSatisfied: async ({ ctx, actor, facts, now }) => {
      const firm = await firmGateFacts(ctx, facts.version);
      const person = await personGateFacts(ctx, actor.userId, facts.version);
      const current = (courseId: string) => {
        const expires = person.courses.get(courseId);
        return expires !== undefined && (expires === null || expires > now);
      };
      const mine = firm.confidentialityCourses.filter((c) => c.roles.includes(actor.role));
      // With no confidentiality course for the role, any current confidentiality completion (or an older access record) counts.
      if (mine.length === 0) return legacyCurrent(facts, 'training', now) || firm.confidentialityCourses.some((c) => current(c.id));
      return mine.every((c) => current(c.id));
    },
  },
  {
    key: 'policy_acknowledged',
    title: 'Current policies acknowledged',
    description: 'Client data opens only for people who acknowledged the current version of every policy marked required (Compliance → Policies).',
    defaultEnabled: false,
    failure: 'GATE_NOT_SATISFIED',
    reason: 'GATE_POLICY',
    isSatisfied: async ({ ctx, actor, facts }) => {
      const firm = await firmGateFacts(ctx, facts.version);
      if (firm.requiredPolicies.length === 0) return true;
      const person = await personGateFacts(ctx, actor.userId, facts.version);
      return firm.requiredPolicies.every((p) => person.acknowledged.has(`${p.id}:${p.version}`));
    },
  },
];
