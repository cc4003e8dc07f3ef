import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Loading } from '../../components';
import { AuthFrame } from './AuthFrame';
import { Enrollment } from './Enrollment';
import { useSession } from './session';
import { safeNext } from './SignInPage';

/** First second-factor enrollment, required before a staff session reaches anything else. */
export function EnrollPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  if (session.loading) return <Loading />;
  if (!session.state) return <Navigate to="/sign-in" replace />;
  return (
    <AuthFrame title="Set up your second factor">
      <p>Your firm requires a second factor. Choose at least one; you can add more later in your account settings.</p>
      <Enrollment hasTotp={session.state.factors.totp} onDone={() => void session.refresh().then(() => navigate(safeNext(params.get('next')), { replace: true }))} />
    </AuthFrame>
  );
}
