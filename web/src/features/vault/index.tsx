// vault in the web app: clients, matters, documents (upload with progress, download, versions, classification), notes, physical records; the unseal prompt.
import type { Feature } from '../../app/feature';
import { ClientDetailPage, ClientsPage } from './ClientsPages';
import { ConflictCheckPage, ConflictsPage } from './ConflictsPage';
import { MatterDetailPage, MattersPage } from './MattersPages';
import { UnsealPage } from './UnsealPage';
import './vault.css';

export const vaultFeature: Feature = {
  name: 'vault',
  publicRoutes: [{ path: '/unseal', element: <UnsealPage /> }],
  routes: [
    { path: 'clients', element: <ClientsPage /> },
    { path: 'clients/:clientId', element: <ClientDetailPage /> },
    { path: 'clients/:clientId/:tab', element: <ClientDetailPage /> },
    { path: 'matters', element: <MattersPage /> },
    { path: 'matters/:matterId', element: <MatterDetailPage /> },
    // One URL per tab (documents, notes, records, parties, team, walls, access), so each is bookmarkable.
    { path: 'matters/:matterId/:tab', element: <MatterDetailPage /> },
    { path: 'conflicts', element: <ConflictsPage /> },
    { path: 'conflicts/:checkId', element: <ConflictCheckPage /> },
  ],
  nav: [
    { to: '/clients', label: 'Clients', roles: ['attorney', 'paralegal', 'staff'] },
    { to: '/matters', label: 'Matters', roles: ['attorney', 'paralegal', 'staff'] },
    { to: '/conflicts', label: 'Conflict checks', roles: ['compliance_officer'] },
  ],
};
