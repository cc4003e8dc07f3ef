// backup in the web app: the Backups page of the firm administrator and the compliance officer —
// where backups go and their schedules, the last successful backup and drill (a warning when the
// last one failed), "Back up now" / "Run a drill now", and the recent runs. No client data.
import type { Feature } from '../../app/feature';
import { BackupsPage } from './BackupsPage';
import './backup.css';

export const backupFeature: Feature = {
  name: 'backup',
  routes: [{ path: 'backups', element: <BackupsPage /> }],
  // Beside the other firm-wide settings (Access gates, Approvals): audit.status.read.
  nav: [{ to: '/backups', label: 'Backups', roles: ['compliance_officer', 'firm_admin'] }],
};
