/**
 * evidence (issue #19, points 5–6): the firm's record of processing activities (GDPR Art. 30),
 * registers and reports as CSV and PDF, and the signed evidence pack for an auditor or regulator.
 * Reads the consent, compliance, backup and posture modules through their index.ts.
 *
 * - `findProcessingActivities`, `createProcessingActivity`, `changeProcessingActivity`,
 *   `retireProcessingActivity` (compliance.manage): throw ACCESS_DENIED, VALIDATION_FAILED
 *   (`body.ownerId`), NOT_FOUND, CONFLICT (a retired activity).
 * - `registerTable`, `exportRegister`, `registerCatalogue`: throw ACCESS_DENIED.
 * - `buildEvidencePack(ctx)`: compliance.manage with step-up; throws ACCESS_DENIED, STEP_UP_REQUIRED.
 * - `verifyEvidencePack(zip, verifierKey?)`: offline; never throws, lists the problems.
 */
import type { ConfidantModule } from '../../platform/module.js';
import { evidenceRoutes } from './evidence.routes.js';

export { findProcessingActivities, createProcessingActivity, changeProcessingActivity, retireProcessingActivity, type ActivityInput, type ActivityView } from './processing.service.js';
export { registerTable, exportRegister, registerCatalogue, REGISTERS } from './registers.service.js';
export { buildEvidencePack, verifyEvidencePack, EVIDENCE_FORMAT, type EvidenceManifest, type EvidenceCheck } from './pack.service.js';
export { REGISTER_NAMES, type RegisterName } from './evidence.schemas.js';

export const evidenceModule: ConfidantModule = {
  name: 'evidence',
  routes: async (app) => evidenceRoutes(app),
};
