// identity in the web app: sign-in, MFA, enrollment, setup and invitation links, account settings, people admin.
import type { Feature } from '../../app/feature';
import { AccountPage } from './AccountPage';
import { AdminUsersPage } from './AdminUsersPage';
import { EnrollPage } from './EnrollPage';
import { InvitePage, SetupPage } from './LinkPages';
import { MfaPage } from './MfaPage';
import { ForgotPasswordPage, ResetPasswordPage } from './ResetPasswordPages';
import { SignInPage } from './SignInPage';
import './identity.css';

export { RequireSession, SessionProvider, UserMenu, useSession } from './session';
export { useStepUp } from './StepUp';

export const identityFeature: Feature = {
  name: 'identity',
  publicRoutes: [
    { path: '/sign-in', element: <SignInPage /> },
    { path: '/sign-in/mfa', element: <MfaPage /> },
    { path: '/enroll', element: <EnrollPage /> },
    { path: '/setup', element: <SetupPage /> },
    { path: '/invite', element: <InvitePage /> },
    { path: '/forgot-password', element: <ForgotPasswordPage /> },
    { path: '/reset-password', element: <ResetPasswordPage /> },
  ],
  routes: [
    { path: 'account', element: <AccountPage /> },
    { path: 'admin/users', element: <AdminUsersPage /> },
  ],
  nav: [{ to: '/admin/users', label: 'People', roles: ['firm_admin'] }],
};
