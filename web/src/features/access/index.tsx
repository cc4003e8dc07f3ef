// access in the web app: matter teams, walls (memo, acknowledgements, history, screening notice),
// access requests and approvals, break-glass with its review queue, reports, gate settings, and
// the two-person approvals (Approvals: changes waiting for a second person).
import type { Feature } from '../../app/feature';
import { AcknowledgementsPage } from './AcknowledgementsPage';
import { ApprovalsPage } from './ApprovalsPage';
import { BreakGlassPage } from './BreakGlassPage';
import { GatesPage } from './GatesPage';
import { MatterTeamPage } from './MatterTeamPage';
import { ReportsPage } from './ReportsPage';
import { RequestsPage } from './RequestsPage';
import { ReviewQueuePage } from './ReviewQueuePage';
import { WallDetailPage } from './WallDetailPage';
import { WallsPage } from './WallsPage';

export { BlockedNotice, type BlockedNoticeProps } from './BlockedNotice';
export { ClientGrantsPanel } from './ClientGrantsPanel';

const STAFF = ['attorney', 'paralegal', 'staff', 'compliance_officer'];

export const accessFeature: Feature = {
  name: 'access',
  routes: [
    { path: 'access/matters/:matterId/team', element: <MatterTeamPage /> },
    { path: 'access/walls', element: <WallsPage /> },
    { path: 'access/walls/:id', element: <WallDetailPage /> },
    { path: 'access/acknowledgements', element: <AcknowledgementsPage /> },
    { path: 'access/requests', element: <RequestsPage /> },
    { path: 'access/break-glass', element: <BreakGlassPage /> },
    { path: 'access/break-glass/review', element: <ReviewQueuePage /> },
    { path: 'access/reports', element: <ReportsPage /> },
    { path: 'access/gates', element: <GatesPage /> },
    { path: 'access/approvals', element: <ApprovalsPage /> },
  ],
  nav: [
    { to: '/access/acknowledgements', label: 'Wall memos', roles: STAFF },
    { to: '/access/requests', label: 'Access requests', roles: STAFF },
    { to: '/access/break-glass', label: 'Emergency access', roles: ['attorney', 'paralegal', 'staff'] },
    { to: '/access/walls', label: 'Ethical walls', roles: ['compliance_officer'] },
    { to: '/access/break-glass/review', label: 'Break-glass review', roles: ['compliance_officer'] },
    { to: '/access/reports', label: 'Access reports', roles: ['compliance_officer'] },
    { to: '/access/gates', label: 'Access gates', roles: ['compliance_officer', 'firm_admin'] },
    { to: '/access/approvals', label: 'Approvals', roles: ['compliance_officer', 'firm_admin'] },
  ],
};
