/**
 * portal: the client's own secure room — contacts invited by the lead attorney, onboarding with
 * the notice and the consents asked for, messages and file requests per matter, documents shared
 * with the client, and what no incumbent shows: who at the firm can open the client's data and
 * who did. Every use case goes through the access choke point: a contact's reach (their client,
 * their matters, the items shown to them) is this module's `clientReach`. See docs/portal.md.
 */
import type { ConfidantModule } from '../../platform/module.js';
import { clientReach } from './portal.access.js';
import { PARENT_RESOLVERS } from './portal.repository.js';
import { portalRoutes } from './portal.routes.js';
import { JOB_SWEEP_EXPORTS, sweepPortalExports } from './exports.service.js';

/** Contacts and onboarding. Throw ACCESS_DENIED, CLIENT_WIDE_ACCESS_REQUIRED, VALIDATION_FAILED, USER_EXISTS, CONFLICT, KEY_DESTROYED, SEALED. */
export { inviteContact, findContacts, disableContact, updateContactMatters, portalHome, decideConsentRequest } from './contacts.service.js';
/** Messages. Throw ACCESS_DENIED, VALIDATION_FAILED, KEY_DESTROYED, SEALED. */
export { findMatterThreads, findPortalThreads, openThread, postMessage, startThread } from './messages.service.js';
/** Files: uploads, shares, file requests. Throw ACCESS_DENIED, VALIDATION_FAILED, CONFLICT, PAYLOAD_TOO_LARGE, DOCUMENT_EMPTY, KEY_DESTROYED, SEALED. */
export { uploadFromPortal, findPortalDocuments, openPortalDocument, shareWithContact, findDocumentShares, revokeShare, createFileRequest, findMatterFileRequests, findPortalFileRequests, closeFileRequest } from './files.service.js';
/** Export requests: the contact asks, the lead approves (client.export + step-up), the contact downloads. Throw ACCESS_DENIED, STEP_UP_REQUIRED, VALIDATION_FAILED, CONFLICT, EXPORT_EXPIRED. */
export { requestExport, findMyExportRequests, findClientExportRequests, approveExport, declineExport, openExportArchive, sweepPortalExports } from './exports.service.js';
/** Transparency. Throw ACCESS_DENIED, CONSENT_WITHDRAWN, AUDIT_UNAVAILABLE. */
export { whoCanAccess, activity, portalConsents, withdrawPortalConsent, portalDisclosures } from './transparency.service.js';

/** For retention's execution (system, after its own decision): forgets a destroyed matter's threads, messages, file requests, uploads and shares in the destroying transaction. */
export { unsafeForgetMatter } from './portal.repository.js';

export const portalModule: ConfidantModule = {
  name: 'portal',
  provides: { access: { parentResolvers: PARENT_RESOLVERS, clientReach } },
  routes: async (app, services) => portalRoutes(app, services),
  start: async (services) => {
    services.jobs.register(JOB_SWEEP_EXPORTS, async () => void (await sweepPortalExports(services)), { retryLimit: 2 });
    services.jobs.schedule(JOB_SWEEP_EXPORTS, 24 * 3_600_000);
  },
};
