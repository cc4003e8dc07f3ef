/**
 * audit: the append-only, Merkle-hashed event log (RFC 9162 hashing, Ed25519 signed checkpoints,
 * inclusion and consistency proofs), verification, monitoring rules and alerts, SIEM sinks.
 * Other modules use only this file. See docs/audit.md.
 */
import { existsSync } from 'node:fs';
import type { AppServices, RequestContext } from '../platform/context.js';
import type { ConfidantModule } from '../platform/module.js';
import { auditRoutes } from './audit.routes.js';
import { createCheckpoint } from './checkpoints.js';
import { resumeAlertDigest, stopAlertDigest } from './digest.js';
import { runMonitor } from './monitor.js';
import { recordEventImpl, type AuditEventInput } from './record.js';
import { auditSettings } from './settings.js';
import { ensureSigningKey, loadSigningKey, signingKeyPath } from './signing.js';
import { runSinks, startSinks } from './sinks.js';
import { runScheduledVerification } from './verification-job.js';

export type { AuditEventInput, AuditResources } from './record.js';
export { installAuditProvisions, type AuditProvisions, type IdentityHooks } from './hooks.js';
export type { VerificationReport } from './verify.js';
export { verifyLog } from './verify.js';
/** An incident's scope from the log: what actors or an address range touched in a window (no access decision: the caller's). Throws AUDIT_RANGE_INVALID. */
export { activityScope } from './queries.js';
export type { ActivityFilter } from './events.repository.js';
/** The last scheduled verification of the log: when it ran and its report (null: never ran). A system read of the job's cursor; throws nothing of its own. */
export { verificationStatus, type VerificationStatus } from './verification-job.js';
/** Raises an alert for the compliance officer (audited `alert.raise`; in the burst's digest mail): for jobs that must never fail silently. */
export { raiseAlert, type AlertRule } from './alerts.js';
/** One alert by id (no access decision: the incidents module's, after `incident.manage`), and the rules' titles. */
export { alertById } from './alerts.js';
export { RULE_TITLES as ALERT_RULE_TITLES } from './digest.js';
export { exportEvents } from './export.js';
export { createCheckpoint, latestCheckpoint } from './checkpoints.js';
/**
 * A client's trail, for the client's own portal (the caller has decided portal.read on the
 * client): allowed events by people, of the given actions, newest first (each entry's inclusion
 * proof is the public GET /audit/proofs/inclusion any signed-in person may ask).
 */
export { readClientTrail, type ClientTrailEntry } from './client-trail.js';
/**
 * Signing and proving for documents the firm hands out (certificates of destruction …), checkable
 * offline against the verifier key GET /audit/public-key publishes:
 * - `signDetached(services, purpose, payload)`: an Ed25519 signature by the audit checkpoint key over
 *   `"confidant/" + purpose + "\n" + payload` (domain-separated from checkpoint notes, which start
 *   with the origin line). Throws when the key file is missing or `purpose` is not
 *   `[a-z0-9][a-z0-9._/-]*`.
 * - `checkDetachedSignature(signature, purpose, payload, verifierKey)`: pure check of one, under the
 *   given verifier key (never the key the signature names).
 * - `proveEvent(services, index)`: the event's canonical leaf text and leaf hash, the oldest signed
 *   checkpoint covering it (signing one of the current head when none does) and the inclusion
 *   proof at that checkpoint's size. Throws AUDIT_RANGE_INVALID for an index beyond the log.
 * - `instanceVerifierKey(dataDir)`: the verifier key of the local instance's key file (what
 *   `confidant audit verify` checks with). Throws when the file is missing or unusable.
 */
export { signDetached, checkDetachedSignature, proveEvent, instanceVerifierKey, type DetachedSignature, type ProvenAuditEvent } from './attestation.js';
/**
 * Pure verification primitives (no database): `parseVerifierKey` (a note verifier key string →
 * Ed25519 public key; throws with the reason), `openCheckpoint` (a signed checkpoint note → origin,
 * size, root, after checking a signature line by that key; throws with the reason), `hashLeaf`
 * (RFC 9162 leaf hash SHA-256(0x00 || leaf)) and `verifyInclusion` (RFC 9162 §2.1.3.2).
 */
export { parseVerifierKey, openCheckpoint, type OpenedCheckpoint } from './signing.js';
export { hashLeaf, verifyInclusion } from './merkle.js';
/** `signingKeyPath(dataDir)`: where the audit checkpoint signing key lives (`<dataDir>/keys/audit-checkpoint.key`); backups copy that file. */
export { signingKeyPath } from './signing.js';

/**
 * Appends one event, in `ctx.db` (so inside the caller's transaction when there is one; outside
 * one, concurrent events share one durable commit). Actor, session, request id, ip and user agent
 * come from `ctx`. Resolves once the event is durable (outside a transaction) or part of the
 * caller's transaction.
 * @throws AppError AUDIT_UNAVAILABLE when it cannot be written: the caller must then fail closed.
 */
export async function recordEvent(ctx: RequestContext, event: AuditEventInput): Promise<{ index: number }> {
  return recordEventImpl(ctx, event);
}

export const JOB_CHECKPOINT = 'audit.checkpoint';
export const JOB_VERIFY = 'audit.verify';
export const JOB_MONITOR = 'audit.monitor';
export const JOB_SINKS = 'audit.sinks';

const stops = new WeakMap<AppServices, (() => void)[]>();

export const auditModule: ConfidantModule = {
  name: 'audit',
  init: async (services) => {
    const created = ensureSigningKey(services.config.dataDir, auditSettings(services.config).origin);
    const key = loadSigningKey(services.config.dataDir);
    await createCheckpoint(services);
    return [
      created ? 'Generated the audit checkpoint signing key (keys/audit-checkpoint.key, mode 0600; keep a copy of its public key elsewhere).' : 'Audit checkpoint signing key already present.',
      `Audit log verifier key: ${key.verifierKey}`,
    ];
  },
  startupNotes: async (services) => {
    try {
      return [`Audit log verifier key: ${loadSigningKey(services.config.dataDir).verifierKey}`];
    } catch (error) {
      if (!existsSync(signingKeyPath(services.config.dataDir))) return ['Audit checkpoint signing key is missing: run `confidant init`; checkpoints are not being signed.'];
      // E.g. an origin with a space or '+' written before origins were checked (see docs/operations.md).
      return [`Audit checkpoint signing key cannot be used, checkpoints are not being signed: ${error instanceof Error ? error.message : 'unreadable'}`];
    }
  },
  routes: auditRoutes,
  start: async (services) => {
    const settings = auditSettings(services.config);
    services.jobs.register(JOB_CHECKPOINT, async () => void (await createCheckpoint(services)), { retryLimit: 3 });
    services.jobs.register(JOB_VERIFY, async () => runScheduledVerification(services), { retryLimit: 1 });
    services.jobs.register(JOB_MONITOR, async () => runMonitor(services), { retryLimit: 2 });
    services.jobs.register(JOB_SINKS, async () => runSinks(services), { retryLimit: 1 });
    services.jobs.schedule(JOB_CHECKPOINT, settings.checkpointIntervalSeconds * 1000);
    services.jobs.schedule(JOB_VERIFY, settings.verifyIntervalMinutes * 60_000);
    services.jobs.schedule(JOB_MONITOR, settings.monitorIntervalSeconds * 1000);
    if (services.config.auditSinks.length > 0) services.jobs.schedule(JOB_SINKS, settings.sinkIntervalSeconds * 1000);
    stops.set(services, [startSinks(services), () => stopAlertDigest(services)]);
    await resumeAlertDigest(services);
  },
  stop: async (services) => {
    for (const stop of stops.get(services) ?? []) stop();
    stops.delete(services);
  },
};
