// audit in the web app: the explorer (filters, event detail with an inclusion proof checked in the
// browser), alerts (acknowledge), reports (who accessed, did P access M, breach scope).
import type { Feature } from '../../app/feature';
import { AlertsPage } from './AlertsPage';
import { AuditExplorerPage } from './AuditExplorerPage';
import { ReportsPage } from './ReportsPage';
import './audit.css';

export { MatterAccessHistory } from './MatterAccessHistory';
/** The RFC 9162 inclusion check in the browser, from a leaf hash (the client's portal). */
export { verifyInclusionFromLeafHash } from './verify';

export const auditFeature: Feature = {
  name: 'audit',
  routes: [
    { path: 'audit', element: <AuditExplorerPage /> },
    { path: 'audit/alerts', element: <AlertsPage /> },
    { path: 'audit/reports', element: <ReportsPage /> },
  ],
  nav: [
    { to: '/audit', label: 'Audit log', roles: ['compliance_officer'] },
    { to: '/audit/alerts', label: 'Alerts', roles: ['compliance_officer'] },
    { to: '/audit/reports', label: 'Audit reports', roles: ['compliance_officer'] },
  ],
};
