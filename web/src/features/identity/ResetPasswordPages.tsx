import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { Button, ErrorMessage, fieldError, Loading, TextField } from '../../components';
import { identityApi, type ResetCompletion, type SessionState } from './api';
import { AuthFrame, FactorError } from './AuthFrame';
import { passkeyForReset } from './passkey';
import { pendingStep, useSession } from './session';

/** "Forgot password": the same answer whether or not the address has an account. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const request = useMutation({ mutationFn: () => identityApi.requestPasswordReset(email.trim()) });
  const { error, isPending: busy, isSuccess: sent } = request;
  function submit(event: FormEvent) {
    event.preventDefault();
    request.mutate();
  }
  return (
    <AuthFrame title="Reset your password">
      {sent ? (
        <p role="status" className="notice" data-testid="reset-requested">
          If an account uses {email.trim()}, we sent it a link to reset the password. The link works once, for 30 minutes. You will also need your second factor.
        </p>
      ) : (
        <>
          <p>Enter the email address of your account. We will send a link to choose a new password.</p>
          {error !== null && !fieldError(error, 'body.email') && <ErrorMessage error={error} title="Could not send the link" />}
          <form onSubmit={submit} noValidate>
            <TextField label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} error={fieldError(error, 'body.email')} />
            <Button type="submit" busy={busy}>
              Send the link
            </Button>
          </form>
        </>
      )}
      <p className="auth-aside">
        <Link to="/sign-in">Back to sign-in</Link>
      </p>
    </AuthFrame>
  );
}

// The token travels in the URL fragment, which browsers never send to servers or proxies.
const tokenFromHash = () => window.location.hash.replace(/^#/, '');

/** The page the reset mail links to: a new password, confirmed with the second factor. */
export function ResetPasswordPage() {
  const [token] = useState(tokenFromHash);
  const session = useSession();
  const navigate = useNavigate();
  const inspect = useQuery({ queryKey: ['identity', 'password-reset'], queryFn: () => identityApi.inspectPasswordReset(token), retry: false, enabled: token.length > 0 });
  const [password, setPassword] = useState('');
  const [mode, setMode] = useState<'totp' | 'recovery'>('totp');
  const [code, setCode] = useState('');
  const complete = useMutation({
    mutationFn: (body: ResetCompletion) => identityApi.completePasswordReset(body),
    onSuccess: async (state: SessionState) => {
      session.set(state);
      window.history.replaceState(null, '', window.location.pathname);
      await navigate(pendingStep(state) ?? '/', { replace: true });
    },
    onError: () => setCode(''),
  });
  const [passkeyError, setPasskeyError] = useState<unknown>(null);
  const error = passkeyError ?? complete.error;
  const busy = complete.isPending;

  if (!token) return <InvalidLink />;
  if (inspect.isPending) return <Loading />;
  if (inspect.error) return <InvalidLink />;
  const { factors } = inspect.data;
  const needsFactor = factors.totp || factors.passkey;

  function submit(event: FormEvent) {
    event.preventDefault();
    setPasskeyError(null);
    const proof = !needsFactor ? {} : mode === 'totp' ? { code: code.replace(/\s/g, '') } : { recoveryCode: code };
    complete.mutate({ token, password, ...proof });
  }
  async function withPasskey() {
    setPasskeyError(null);
    try {
      const passkey = await passkeyForReset(token);
      complete.mutate({ token, password, passkey: passkey as unknown as ResetCompletion['passkey'] });
    } catch (e) {
      setPasskeyError(e);
    }
  }
  const passwordError = fieldError(error, 'body.password');
  // Next to the field, the server's sentence ("That code is not valid") says more than the field's "is not valid".
  const codeError = (fieldError(error, 'body.code') ?? fieldError(error, 'body.recoveryCode')) && error instanceof ApiError ? error.message : null;
  return (
    <AuthFrame title="Choose a new password">
      <p>Setting a new password signs you out everywhere else and ends your API tokens.</p>
      {error !== null && !passwordError && !codeError && <FactorError error={error} title="Password not changed" />}
      <form onSubmit={submit} noValidate>
        <TextField label="New password" type="password" required autoComplete="new-password" hint="At least 12 characters. A few unrelated words make a strong, memorable password." value={password} onChange={(e) => setPassword(e.target.value)} error={passwordError} />
        {needsFactor && (factors.totp || mode === 'recovery') && (
          <>
            {mode === 'totp' ? (
              <TextField label="Code from your authenticator app" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]*" maxLength={6} required value={code} onChange={(e) => setCode(e.target.value)} error={codeError} />
            ) : (
              <TextField label="Recovery code" autoComplete="off" required value={code} onChange={(e) => setCode(e.target.value)} hint="One of the codes you saved when you set up your second factor" error={codeError} />
            )}
          </>
        )}
        {(!needsFactor || factors.totp || mode === 'recovery') && (
          <Button type="submit" busy={busy}>
            Set the new password
          </Button>
        )}
        {factors.passkey && (
          <p>
            <Button variant={factors.totp ? 'secondary' : 'primary'} busy={busy} onClick={() => void withPasskey()}>
              Set the new password with a passkey
            </Button>
          </p>
        )}
      </form>
      {needsFactor && (
        <p className="auth-aside">
          {mode === 'totp' && factors.recoveryCode ? (
            <button type="button" className="link-button" onClick={() => (setMode('recovery'), setCode(''))}>
              Use a recovery code instead
            </button>
          ) : (
            mode === 'recovery' &&
            factors.totp && (
              <button type="button" className="link-button" onClick={() => (setMode('totp'), setCode(''))}>
                Use your authenticator app
              </button>
            )
          )}{' '}
          Lost your second factor too? Ask your administrator to reset it.
        </p>
      )}
      {!needsFactor && <p className="auth-aside">After this you will set up a second factor.</p>}
    </AuthFrame>
  );
}

function InvalidLink() {
  return (
    <AuthFrame title="Choose a new password">
      <p role="alert" className="notice" data-testid="reset-link-invalid">
        This reset link is not valid or has expired (links work once, for 30 minutes).
      </p>
      <p>
        <Link to="/forgot-password">Ask for a new link</Link>
      </p>
    </AuthFrame>
  );
}
