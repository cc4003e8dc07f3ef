/**
 * consent: data-handling notices, the client consent ledger, the disclosure gate (consent or an
 * approved legal exception), delivery by share link with e-mail verification, the disclosure
 * register and the privilege log. See docs/disclosures.md.
 */
import type { ConfidantModule } from '../../platform/module.js';
import { consentRoutes } from './consent.routes.js';
import { PARENT_RESOLVERS } from './consent.repository.js';
import { JOB_CONSENT_REMINDERS, remindExpiringConsents } from './reminders.js';
import { sharesRoutes } from './shares.routes.js';

/** Notices. Throw ACCESS_DENIED, NOTICE_NOT_FOUND, NOTICE_PUBLISHED (409: published versions are immutable). */
export { createNotice, currentNotice, findNotices, getNoticeById, publishNotice, updateNotice, noticeSha256 } from './notices.service.js';
/** Consents. Throw ACCESS_DENIED, VALIDATION_FAILED, CONSENT_WITHDRAWN, KEY_DESTROYED, SEALED; findExpiringConsents AUDIT_UNAVAILABLE. */
export { recordConsent, recordClientConsent, findConsents, getConsentById, withdrawConsent, findExpiringConsents, type ConsentInput } from './consents.service.js';
/**
 * The disclosure gate and register. Throw ACCESS_DENIED, VALIDATION_FAILED, CONSENT_WITHDRAWN, CONSENT_EXPIRED,
 * DISCLOSURE_OUTSIDE_CONSENT, PRIVILEGE_WAIVER_REQUIRED, SEPARATION_OF_DUTIES, CONFLICT, KEY_DESTROYED, SEALED.
 * `findClientVisibleDisclosures` leaves out gag-ordered ones (for anything the client sees).
 */
export { requestDisclosure, approveDisclosure, executeDisclosure, revokeDisclosure, unsafeRevokeDisclosuresRequestedBy, getDisclosureById, findDisclosures, findClientVisibleDisclosures, findDisclosuresForClient, registerCsv, type DisclosureInput } from './disclosures.service.js';
/** The recipient's side of a share. Throw SHARE_NOT_FOUND, SHARE_ENDED, SHARE_CODE_INVALID, SHARE_VERIFICATION_REQUIRED, SHARE_DOWNLOAD_LIMIT, RATE_LIMITED. */
export { openShare, sendShareCode, verifyShareCode, listShareItems, downloadShareItem } from './shares.service.js';
/** The privilege log of a matter. Throws ACCESS_DENIED. */
export { privilegeLog, privilegeLogCsv, privilegeLogPdf } from './privilege-log.service.js';
export type { ConsentView, DisclosureView, NoticeView } from './consent.presenter.js';
/** Schemas other modules' routes reuse (the portal's consent requests and answers). */
export { ConsentResponse, ConsentTermsBody, NoticeResponse } from './consent.schemas.js';
/** The daily reminder of consents about to end (system actor). */
export { remindExpiringConsents } from './reminders.js';

export const consentModule: ConfidantModule = {
  name: 'consent',
  // The choke point finds a consent's client and a disclosure's matter itself.
  provides: { access: { parentResolvers: PARENT_RESOLVERS } },
  routes: async (app) => {
    await consentRoutes(app);
    await sharesRoutes(app);
  },
  start: async (services) => {
    services.jobs.register(JOB_CONSENT_REMINDERS, async () => void (await remindExpiringConsents(services)), { retryLimit: 2 });
    services.jobs.schedule(JOB_CONSENT_REMINDERS, 24 * 3_600_000);
  },
};
