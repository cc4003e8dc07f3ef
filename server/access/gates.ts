/**
 * Gate conditions the policy checks before any client data: a registry the compliance module
 * plugs into (`provides.access.gates`). Built in: an MFA-completed session (on for a new firm), a signed
 * confidentiality agreement on file and current confidentiality training (off until an
 * administrator turns them on). The last two are fallbacks over access's own minimal records:
 * where the compliance module is mounted it provides gates under the same keys (a later provider
 * of a key replaces an earlier one), decided on its agreements and training records, plus
 * `policy_acknowledged`.
 */
import type { ErrorCode } from '../../common/error-codes.js';
import type { Actor, RequestContext } from '../platform/context.js';
import type { ActorFacts } from './facts.js';
import { extensionsOf } from './extensions.js';
import type { DenialReason } from './policy.js';

export interface GateDefinition {
  key: string;
  title: string;
  /** Shown on the settings page: what turning the gate on requires of people. */
  description: string;
  defaultEnabled: boolean;
  /** Error thrown when the gate is not satisfied. */
  failure: Extract<ErrorCode, 'MFA_REQUIRED' | 'GATE_NOT_SATISFIED'>;
  reason: DenialReason;
  /** Must be cheap: it runs on every client-data decision (facts are cached per policy version). */
  isSatisfied(input: { ctx: RequestContext; actor: Extract<Actor, { kind: 'user' }>; facts: ActorFacts; now: number }): boolean | Promise<boolean>;
}

/** The gates of this instance: the built-in ones and any a module provides. */
export function listGates(ctx: RequestContext): GateDefinition[] {
  return [...extensionsOf(ctx.app).gates.values()];
}

export function getGate(ctx: RequestContext, key: string): GateDefinition | undefined {
  return extensionsOf(ctx.app).gates.get(key);
}

function hasCurrent(facts: ActorFacts, kind: 'agreement' | 'training', now: number): boolean {
  return facts.agreements.some((a) => a.kind === kind && (a.expiresAt === null || a.expiresAt > now));
}

/** The gates access itself provides (its module's `provides.access.gates`). */
export const BUILT_IN_GATES: GateDefinition[] = [
  {
    key: 'mfa',
    title: 'Multi-factor authentication',
    description: 'Client data opens only in a session that completed a second factor (authenticator app or security key). API tokens without MFA cannot read client data.',
    defaultEnabled: true,
    failure: 'MFA_REQUIRED',
    reason: 'MFA_REQUIRED',
    isSatisfied: ({ actor }) => actor.mfaAt !== null,
  },

  {
    key: 'confidentiality_agreement',
    title: 'Signed confidentiality agreement',
    description: 'Client data opens only for people with a signed confidentiality agreement on file (recorded by compliance; an agreement may carry an end date).',
    defaultEnabled: false,
    failure: 'GATE_NOT_SATISFIED',
    reason: 'GATE_AGREEMENT',
    isSatisfied: ({ facts, now }) => hasCurrent(facts, 'agreement', now),
  },

  {
    key: 'confidentiality_training',
    title: 'Current confidentiality training',
    description: 'Client data opens only for people whose confidentiality training is recorded and not yet expired.',
    defaultEnabled: false,
    failure: 'GATE_NOT_SATISFIED',
    reason: 'GATE_TRAINING',
    isSatisfied: ({ facts, now }) => hasCurrent(facts, 'training', now),
  },
];
