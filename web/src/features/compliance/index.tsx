// compliance in the web app: everyone's own page (policies to read and acknowledge, training,
// agreements, access review items to certify); the compliance officer's and the firm
// administrator's policies, agreements and training; the compliance officer's access reviews.
import type { Feature } from '../../app/feature';
import { AgreementsPage } from './AgreementsPage';
import { MyPage } from './MyPage';
import { PoliciesPage, PolicyPage } from './PoliciesPage';
import { ReviewPage, ReviewsPage } from './ReviewsPage';
import { TrainingPage } from './TrainingPage';
import './compliance.css';

export const complianceFeature: Feature = {
  name: 'compliance',
  routes: [
    { path: 'compliance', element: <MyPage /> },
    { path: 'compliance/my', element: <MyPage /> },
    { path: 'compliance/policies', element: <PoliciesPage /> },
    { path: 'compliance/policies/:id', element: <PolicyPage /> },
    { path: 'compliance/agreements', element: <AgreementsPage /> },
    { path: 'compliance/training', element: <TrainingPage /> },
    { path: 'compliance/reviews', element: <ReviewsPage /> },
    { path: 'compliance/reviews/:id', element: <ReviewPage /> },
  ],
  // Every staff member has their own policies and training here; the sections inside depend on the role.
  nav: [{ to: '/compliance', label: 'Compliance', roles: ['compliance_officer', 'firm_admin', 'attorney', 'paralegal', 'staff'] }],
};
