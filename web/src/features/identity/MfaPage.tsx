import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Button, Loading, TextField } from '../../components';
import { identityApi, type SessionState } from './api';
import { AuthFrame, FactorError } from './AuthFrame';
import { confirmWithPasskey } from './passkey';
import { useSession } from './session';
import { safeNext } from './SignInPage';

/** The second step of sign-in: authenticator code, passkey, or a recovery code. */
export function MfaPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [mode, setMode] = useState<'totp' | 'recovery'>('totp');
  const [code, setCode] = useState('');
  const confirm = useMutation({
    mutationFn: (work: () => Promise<SessionState>) => work(),
    onSuccess: async (state) => {
      session.set(state);
      await navigate(next, { replace: true });
    },
    onError: () => setCode(''),
  });
  const { error, isPending: busy } = confirm;
  const run = confirm.mutate;

  if (session.loading) return <Loading />;
  if (!session.state) return <Navigate to="/sign-in" replace />;
  const { factors } = session.state;

  function submit(event: FormEvent) {
    event.preventDefault();
    run(() => (mode === 'totp' ? identityApi.verifyTotp(code.replace(/\s/g, '')) : identityApi.verifyRecovery(code)));
  }

  return (
    <AuthFrame title="Confirm it is you">
      {error !== null && <FactorError error={error} title="Not confirmed" />}
      {factors.passkeys > 0 && (
        <p>
          <Button onClick={() => run(confirmWithPasskey)} busy={busy}>
            Use a passkey
          </Button>
        </p>
      )}
      {(factors.totp || mode === 'recovery') && (
        <form onSubmit={submit} noValidate>
          {mode === 'totp' ? (
            <TextField label="Code from your authenticator app" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]*" maxLength={6} required value={code} onChange={(e) => setCode(e.target.value)} />
          ) : (
            <TextField label="Recovery code" autoComplete="off" required value={code} onChange={(e) => setCode(e.target.value)} hint="One of the codes you saved when you set up your second factor" />
          )}
          <Button type="submit" busy={busy}>
            Confirm
          </Button>
        </form>
      )}
      <p className="auth-aside">
        {mode === 'totp' ? (
          <button type="button" className="link-button" onClick={() => setMode('recovery')}>
            Use a recovery code instead
          </button>
        ) : (
          factors.totp && (
            <button type="button" className="link-button" onClick={() => setMode('totp')}>
              Use your authenticator app
            </button>
          )
        )}{' '}
        <button type="button" className="link-button" onClick={() => void session.signOut().then(() => navigate('/sign-in'))}>
          Sign out
        </button>
      </p>
    </AuthFrame>
  );
}
