// evidence in the web app: the compliance officer's and the firm administrator's record of
// processing activities (GDPR Art. 30), the registers and reports as CSV and PDF, and the signed
// evidence pack for an auditor (with how to verify it). Anyone else gets the not-found page.
import type { Feature } from '../../app/feature';
import { ProcessingPage } from './ProcessingPage';
import { RegistersPage } from './RegistersPage';
import './evidence.css';

export const evidenceFeature: Feature = {
  name: 'evidence',
  routes: [
    { path: 'compliance/processing', element: <ProcessingPage /> },
    { path: 'compliance/registers', element: <RegistersPage /> },
  ],
  // Under Compliance in the navigation (compliance.manage: the compliance officer and the firm administrator).
  nav: [
    { to: '/compliance/processing', label: 'Record of processing', roles: ['compliance_officer', 'firm_admin'] },
    { to: '/compliance/registers', label: 'Registers & evidence', roles: ['compliance_officer', 'firm_admin'] },
  ],
};
