import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Button, ErrorMessage, TextField } from '../../components';
import { identityApi, type SessionEnding } from './api';
import { AuthFrame } from './AuthFrame';
import { pendingStep, useSession } from './session';

/** Only same-app paths are followed after sign-in (no open redirect). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/**
 * Why single sign-on failed, by the `reason` the server's OIDC callback puts in the redirect
 * (server/modules/identity/identity.routes.ts); any other failure carries no reason.
 */
const SSO_FAILURES: Record<string, string> = {
  email_unverified: "Your organisation's sign-in did not confirm your email address, so Confidant could not match it to your account. Ask your administrator.",
};
const SSO_FAILED_GENERIC = 'Single sign-on did not complete. Try again, or sign in with your password. Your account must already exist in Confidant.';

/** The plain-words message for a failed single sign-on (`?sso=failed&reason=…`), or null. */
export function ssoFailureMessage(params: URLSearchParams): string | null {
  if (params.get('sso') !== 'failed') return null;
  const reason = params.get('reason');
  return (reason !== null && Object.hasOwn(SSO_FAILURES, reason) ? SSO_FAILURES[reason] : undefined) ?? SSO_FAILED_GENERIC;
}

const ENDED_BY: Record<SessionEnding['reason'], string> = {
  administrator: 'were ended by an administrator',
  security: 'were ended for security reasons (an alert about your account)',
  password_reset: 'were ended because your password was reset',
  mfa_reset: 'were ended because an administrator reset your second factor; set up a new one after signing in',
  role_change: 'were ended because your role changed',
};

/** "Your sessions were ended by an administrator at 10:42; sign in again." */
export function sessionEndingMessage(ending: SessionEnding): string {
  const at = new Date(ending.at);
  const sameDay = at.toDateString() === new Date().toDateString();
  const when = sameDay ? at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : at.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
  return `Your sessions ${ENDED_BY[ending.reason]} at ${when}; sign in again.`;
}

export function SignInPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const ssoFailure = ssoFailureMessage(params);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [setupPending, setSetupPending] = useState(false);
  const [sso, setSso] = useState<{ enabled: boolean; label: string }>({ enabled: false, label: '' });
  const [ending, setEnding] = useState<SessionEnding | null>(null);

  useEffect(() => {
    identityApi.setupStatus().then((s) => setSetupPending(s.pending), () => undefined);
    identityApi.oidc().then(setSso, () => undefined);
    // Told once: the server forgets the ended session's cookie as it answers.
    identityApi.sessionEnded().then((s) => setEnding(s.ended), () => undefined);
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const state = await identityApi.signIn(email, password);
      session.set(state);
      const step = pendingStep(state);
      await navigate(step ? `${step}?next=${encodeURIComponent(next)}` : next, { replace: true });
    } catch (e) {
      setError(e);
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title="Sign in">
      {ending !== null && (
        <p role="status" className="notice" data-testid="session-ended">
          {sessionEndingMessage(ending)}
        </p>
      )}
      {setupPending && <p className="notice">No administrator exists yet. Open the one-time setup link the server printed when it started.</p>}
      {error !== null && <ErrorMessage error={error} title="Could not sign in" />}
      {ssoFailure !== null && (
        <p role="alert" className="notice" data-testid="sso-failure">
          {ssoFailure}
        </p>
      )}
      {sso.enabled && (
        <p>
          {/* A full page load: the provider's pages are not part of this app. */}
          <a className="button button-secondary" href="/api/v1/auth/oidc/start">
            Sign in with {sso.label}
          </a>
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <TextField label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <Button type="submit" busy={busy}>
          Sign in
        </Button>
      </form>
      <p className="auth-aside">
        <Link to="/forgot-password">Forgot your password?</Link> Invited? Use the link in your invitation email.
      </p>
    </AuthFrame>
  );
}
