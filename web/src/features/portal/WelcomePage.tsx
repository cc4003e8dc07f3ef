import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { Button, ErrorMessage, fieldError, TextField } from '../../components';
import { identityApi, type SessionState } from '../identity/api';
import { AuthFrame } from '../identity/AuthFrame';
import { pendingStep, useSession } from '../identity/session';

// The token travels in the URL fragment (/portal/welcome#<token>), never sent to servers or proxies.
const tokenFromHash = () => window.location.hash.replace(/^#/, '');

const PASSWORD_HINT = 'At least 12 characters. A few unrelated words make a strong, memorable password.';

/**
 * The portal invitation: the identity feature's invitation acceptance (same API call, same session
 * handling), then its second-factor step (MFA challenge or first enrolment), then the portal.
 */
export function WelcomePage() {
  const session = useSession();
  const navigate = useNavigate();
  // Read once: the fragment is removed from the address bar as soon as the password is set.
  const [token] = useState(tokenFromHash);
  const [password, setPassword] = useState('');
  const accept = useMutation({
    mutationFn: () => identityApi.acceptInvite(token, password),
    onSuccess: async (state: SessionState) => {
      session.set(state);
      window.history.replaceState(null, '', window.location.pathname);
      const step = pendingStep(state);
      await navigate(step ? `${step}?next=${encodeURIComponent('/portal')}` : '/portal', { replace: true });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    accept.mutate();
  }
  // A link without its token, used already or expired: said in the portal's words, with what to do.
  if (token === '' || (accept.error instanceof ApiError && accept.error.code === 'TOKEN_INVALID'))
    return (
      <AuthFrame title="Welcome to your client portal">
        <p role="alert" className="notice">
          This invitation link no longer works: it can be used once, and only for a few days. Ask your lawyer to invite you again.
        </p>
        <p>
          Already chose your password? <Link to="/sign-in?next=%2Fportal">Sign in</Link>
        </p>
      </AuthFrame>
    );
  return (
    <AuthFrame title="Welcome to your client portal">
      <p>Choose a password for your portal account. Next you set up a second factor, which keeps your data safe even if someone learns your password.</p>
      {accept.error !== null && <ErrorMessage error={accept.error} title="Could not set your password" />}
      <form onSubmit={submit} noValidate>
        <TextField label="New password" type="password" required autoComplete="new-password" hint={PASSWORD_HINT} value={password} onChange={(e) => setPassword(e.target.value)} error={fieldError(accept.error, 'body.password')} />
        <Button type="submit" busy={accept.isPending}>
          Set password and continue
        </Button>
      </form>
    </AuthFrame>
  );
}
