// consent in the web app: data-handling notices (write, publish), a client's consents (record,
// withdraw), disclosures (request → approve → execute → revoke), the register and privilege log
// downloads, and the recipient's public page for a share link.
import type { Feature } from '../../app/feature';
import { ConsentsPage } from './ConsentsPage';
import { DisclosureDetailPage } from './DisclosureDetailPage';
import { DisclosuresPage } from './DisclosuresPage';
import { NoticePage, NoticesPage } from './NoticesPage';
import { RequestDisclosurePage } from './RequestDisclosurePage';
import { SharePage } from './SharePage';
import './consent.css';

/** A client's consents (ledger, record, withdraw), for the client page's Consents tab. */
export { ClientConsentsPanel } from './ClientConsentsPanel';

export const consentFeature: Feature = {
  name: 'consent',
  // The recipient has no account: the link's token is their only authorization.
  publicRoutes: [{ path: '/share', element: <SharePage /> }],
  routes: [
    { path: 'notices', element: <NoticesPage /> },
    { path: 'notices/:noticeId', element: <NoticePage /> },
    { path: 'consents', element: <ConsentsPage /> },
    { path: 'consents/:clientId', element: <ConsentsPage /> },
    { path: 'disclosures', element: <DisclosuresPage /> },
    { path: 'disclosures/new', element: <RequestDisclosurePage /> },
    { path: 'disclosures/:disclosureId', element: <DisclosureDetailPage /> },
  ],
  nav: [
    { to: '/consents', label: 'Consents', roles: ['attorney', 'paralegal', 'staff'] },
    { to: '/disclosures', label: 'Disclosures', roles: ['attorney', 'paralegal', 'compliance_officer'] },
    { to: '/notices', label: 'Notices', roles: ['attorney', 'compliance_officer'] },
  ],
};
