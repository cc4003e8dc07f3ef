// Legal holds in the web app (the retention module's holds): the holds a person may see, placing
// one, a hold's page with its custodians and release, and the person's own notices — the page the
// notice mail links to. The matter page shows the holds that reach it.
import type { Feature } from '../../app/feature';
import { HoldDetailPage } from './HoldDetailPage';
import { HoldsPage } from './HoldsPage';
import { NoticesPage } from './NoticesPage';
import { PlaceHoldPage } from './PlaceHoldPage';
import './holds.css';

/** The matter page's panel of the holds in force that reach it. */
export { MatterHoldsPanel } from './MatterHoldsPanel';

export const holdsFeature: Feature = {
  name: 'holds',
  routes: [
    { path: 'holds', element: <HoldsPage /> },
    { path: 'holds/new', element: <PlaceHoldPage /> },
    { path: 'holds/notices', element: <NoticesPage /> },
    { path: 'holds/:holdId', element: <HoldDetailPage /> },
  ],
  // Every staff member: anyone can be a custodian, and a matter's team learns of its holds.
  nav: [{ to: '/holds', label: 'Legal holds' }],
};
