/**
 * compliance: the firm's compliance program — versioned policies with owners, review cycles and
 * acknowledgement campaigns; confidentiality agreements per person; training courses, completions
 * and CSV import; access reviews certified by each matter's lead attorney with automatic
 * revocation at the deadline; the gates access checks on every client-data decision (agreement,
 * training, current policies acknowledged); daily reminders. See docs/compliance.md.
 */
import type { ConfidantModule } from '../../platform/module.js';
import { COMPLIANCE_GATES } from './compliance.gates.js';
import { PARENT_RESOLVERS } from './compliance.repository.js';
import { complianceRoutes } from './compliance.routes.js';
import { runComplianceReminders } from './reminders.js';
import { runAccessReviewDeadlines } from './reviews.service.js';

/** Policies (compliance.manage; reading and acknowledging: compliance.self). Throw ACCESS_DENIED, NOT_FOUND, VALIDATION_FAILED, POLICY_VERSION_STALE. */
export { findCompliancePolicies, getPolicyById, createPolicy, publishPolicyVersion, changePolicy, markPolicyReviewed, getPolicyContent, createAckCampaign, acknowledgePolicy, myPolicies, type PolicyView, type PolicyDetailView, type MyPolicyView } from './policies.service.js';
/** Confidentiality agreements (compliance.manage; one's own: compliance.self). Throw ACCESS_DENIED, NOT_FOUND, VALIDATION_FAILED. */
export { findComplianceAgreements, recordComplianceAgreement, revokeComplianceAgreement, getAgreementDocument, myAgreements, type AgreementView } from './agreements.service.js';
/** Training (compliance.manage; one's own: compliance.self). Throw ACCESS_DENIED, NOT_FOUND, VALIDATION_FAILED, TRAINING_IMPORT_INVALID. */
export { findTrainingCourses, createCourse, changeCourse, recordCompletion, findTrainingCompletions, importCompletions, findTrainingStatus, myTraining, type CourseView, type TrainingStatusView } from './training.service.js';
/** Access reviews (access_review.manage; certifying: access_review.certify on the item's matter). Throw ACCESS_DENIED, NOT_FOUND, VALIDATION_FAILED, ACCESS_REVIEW_CLOSED. */
export { createAccessReview, findAccessReviews, getAccessReviewById, certifyReviewItem, myReviewItems, exportAccessReviewCsv, runAccessReviewDeadlines, runAccessReviewDeadlinesNow, type ReviewView, type ReviewItemView } from './reviews.service.js';
/** Counts for a posture dashboard (compliance.manage; counts only). Throw ACCESS_DENIED. */
export { countAgreementStatus, countTrainingStatus, countPolicyStatus, countAccessReviewStatus, complianceSummary, type AgreementCounts, type TrainingCounts, type PolicyCounts, type AccessReviewCounts } from './summary.service.js';
/** The daily reminders (system work). Throws when a mail failed, after trying them all (and alerts). */
export { runComplianceReminders } from './reminders.js';

export const JOB_COMPLIANCE_REMINDERS = 'compliance.reminders';
export const JOB_ACCESS_REVIEW_DEADLINES = 'compliance.access_review.deadlines';
const HOUR_MS = 3_600_000;

export const complianceModule: ConfidantModule = {
  name: 'compliance',
  provides: {
    // Same keys as access's built-in agreement and training gates: these replace them (decided on this module's records), plus policy_acknowledged.
    access: { gates: COMPLIANCE_GATES, parentResolvers: PARENT_RESOLVERS },
  },
  routes: async (app) => complianceRoutes(app),
  start: async (services) => {
    services.jobs.register(JOB_COMPLIANCE_REMINDERS, async () => void (await runComplianceReminders(services)), { retryLimit: 2 });
    services.jobs.schedule(JOB_COMPLIANCE_REMINDERS, 24 * HOUR_MS);
    services.jobs.register(JOB_ACCESS_REVIEW_DEADLINES, async () => void (await runAccessReviewDeadlines(services)), { retryLimit: 2 });
    services.jobs.schedule(JOB_ACCESS_REVIEW_DEADLINES, HOUR_MS);
  },
};
