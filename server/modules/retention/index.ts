/**
 * retention: schedules (by practice area and jurisdiction, never below the legal minimum), legal
 * holds that freeze edits, deletes and key destruction from the transaction creating them, the
 * disposition queue with two-person approval for sensitive items, execution that destroys the
 * keys and blobs and keeps only the firm's chosen tombstone, signed certificates of destruction
 * anyone can verify offline, client termination with its end-of-engagement letter, and physical
 * records' witnessed destruction. See docs/retention.md.
 */
import type { ConfidantModule } from '../../platform/module.js';
import { heldItems, refuseShredUnderRetentionHold, remindCustodians } from './holds.service.js';
import { runRetention } from './disposition.service.js';
import { PARENT_RESOLVERS } from './retention.repository.js';
import { retentionRoutes } from './retention.routes.js';
import { DAY_MS } from './retention.support.js';

/** Schedules and legal minimums (retention.manage). Throw ACCESS_DENIED, NOT_FOUND, VALIDATION_FAILED, RETENTION_BELOW_MINIMUM. */
export { findRetentionSchedules, createSchedule, changeSchedule, retireSchedule, findLegalMinimums, createLegalMinimum, deleteLegalMinimum } from './schedules.service.js';
/** Legal holds. Throw ACCESS_DENIED (404), VALIDATION_FAILED, HOLD_RELEASED, KEY_DESTROYED, SEALED. */
export { createHold, findHolds, getHoldById, releaseHold, acknowledgeHold, myHoldNotices, remindCustodians } from './holds.service.js';
/** Preview, the queue, approvals and the run. Throw ACCESS_DENIED, VALIDATION_FAILED, DISPOSITION_STATE, DISPOSITION_CHANGED, ALREADY_APPROVED, SEPARATION_OF_DUTIES, RECORD_CHECKED_OUT, LEGAL_HOLD. */
export { previewRetention, findDispositions, getDispositionById, approveDisposition, extendDisposition, recordPhysicalDestruction, runRetention, runRetentionNow, computeDue, type RunResult } from './disposition.service.js';
/** Certificates of destruction. Throw ACCESS_DENIED. */
export { findCertificates, getCertificateById, certificatePdfById, portalCertificates } from './certificates.service.js';
/** Client termination. Throw ACCESS_DENIED, CONFLICT, VALIDATION_FAILED. */
export { terminateClient, getTermination, endOfEngagementLetter } from './termination.service.js';
/** Offline verification of a certificate file (the CLI). */
export { verifyCertificate, type SignedCertificate } from './certificate.js';

export const JOB_RETENTION_RUN = 'retention.run';
export const JOB_HOLD_REMINDERS = 'retention.holds.remind';

export const retentionModule: ConfidantModule = {
  name: 'retention',
  provides: {
    access: { parentResolvers: PARENT_RESOLVERS },
    // A hold freezes the vault's edits and deletes, and refuses key destruction (request and execution).
    vault: { heldItems },
    keys: { shredGuards: [refuseShredUnderRetentionHold] },
  },
  routes: async (app) => retentionRoutes(app),
  start: async (services) => {
    services.jobs.register(JOB_RETENTION_RUN, async () => void (await runRetention(services)), { retryLimit: 1 });
    services.jobs.schedule(JOB_RETENTION_RUN, services.config.retention.runIntervalHours * 3_600_000);
    services.jobs.register(JOB_HOLD_REMINDERS, async () => void (await remindCustodians(services)), { retryLimit: 2 });
    services.jobs.schedule(JOB_HOLD_REMINDERS, DAY_MS);
  },
};
