// retention in the web app: the compliance officer's schedules and legal minimums, the preview of
// what would become due and the run, the disposition queue (approve, extend, witnessed physical
// destruction) and the certificates of destruction; the client page's "End of the engagement"
// and the portal's certificates and letter.
import type { Feature } from '../../app/feature';
import { CertificatesPage } from './CertificatesPage';
import { MinimumsPage } from './MinimumsPage';
import { useIsCompliance } from './parts';
import { PreviewPage } from './PreviewPage';
import { QueuePage } from './QueuePage';
import { SchedulesPage } from './SchedulesPage';
import './retention.css';

/** The client page's "End of the engagement" section. */
export { EngagementSection } from './EngagementSection';
/** The portal's certificates of destruction and end-of-engagement letter. */
export { PortalRetentionSection } from './PortalRetentionSection';

/** /retention is the compliance officer's schedules, a lawyer's review queue. */
function RetentionHome() {
  return useIsCompliance() ? <SchedulesPage /> : <QueuePage />;
}

export const retentionFeature: Feature = {
  name: 'retention',
  routes: [
    { path: 'retention', element: <RetentionHome /> },
    { path: 'retention/schedules', element: <SchedulesPage /> },
    { path: 'retention/minimums', element: <MinimumsPage /> },
    { path: 'retention/preview', element: <PreviewPage /> },
    { path: 'retention/queue', element: <QueuePage /> },
    { path: 'retention/certificates', element: <CertificatesPage /> },
  ],
  // The lead attorney approves the disposition of their matters and reads their certificates.
  nav: [
    {
      to: '/retention',
      label: 'Retention',
      roles: ['compliance_officer', 'attorney'],
    },
  ],
};
