// portal in the web app: the client's own side under /portal — home (onboarding consents), messages,
// files, who handled their data (with in-browser log proofs), consents, disclosures — and the
// invitation's landing page /portal/welcome.
import type { Feature } from '../../app/feature';
import { PortalConsentsPage } from './ConsentsPage';
import { PortalDisclosuresPage } from './DisclosuresPage';
import { FilesPage } from './FilesPage';
import { PortalHomePage } from './HomePage';
import { MessagesPage, ThreadPage } from './MessagesPages';
import { PeoplePage } from './PeoplePage';
import { WelcomePage } from './WelcomePage';
import './portal.css';

const CLIENT = ['client'];

export const portalFeature: Feature = {
  name: 'portal',
  publicRoutes: [{ path: '/portal/welcome', element: <WelcomePage /> }],
  routes: [
    { path: 'portal', element: <PortalHomePage /> },
    { path: 'portal/messages', element: <MessagesPage /> },
    { path: 'portal/messages/:threadId', element: <ThreadPage /> },
    { path: 'portal/files', element: <FilesPage /> },
    { path: 'portal/people', element: <PeoplePage /> },
    { path: 'portal/consents', element: <PortalConsentsPage /> },
    { path: 'portal/disclosures', element: <PortalDisclosuresPage /> },
  ],
  // Only a client's contacts see these; the shell shows a client nothing else.
  nav: [
    { to: '/portal', label: 'Home', roles: CLIENT },
    { to: '/portal/messages', label: 'Messages', roles: CLIENT },
    { to: '/portal/files', label: 'Files', roles: CLIENT },
    { to: '/portal/people', label: 'Who handled my data', roles: CLIENT },
    { to: '/portal/consents', label: 'Consents', roles: CLIENT },
    { to: '/portal/disclosures', label: 'Disclosures', roles: CLIENT },
  ],
};
