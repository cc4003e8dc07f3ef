// incidents in the web app: every staff member reports an incident and follows their own
// reports; the compliance officer runs each one — steps, deadline clocks by regime, scope from the
// audit log, containment, corrective actions and the timeline. Anyone else asking for an
// incident gets the not-found page.
import type { Feature } from '../../app/feature';
import { IncidentPage } from './IncidentPage';
import { ListPage } from './ListPage';
import { ReportPage } from './ReportPage';
import './incidents.css';

export const incidentsFeature: Feature = {
  name: 'incidents',
  routes: [
    { path: 'incidents', element: <ListPage /> },
    { path: 'incidents/new', element: <ReportPage /> },
    { path: 'incidents/:id', element: <IncidentPage /> },
  ],
  // Every staff member: the list is "Your reports" for anyone but the compliance officer.
  nav: [{ to: '/incidents', label: 'Incidents' }],
};
