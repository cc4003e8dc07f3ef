import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Button, ErrorMessage, fieldError, TextField } from '../../components';
import { identityApi, type SessionState } from './api';
import { AuthFrame } from './AuthFrame';
import { pendingStep, useSession } from './session';

// The token travels in the URL fragment, which browsers never send to servers or proxies.
const tokenFromHash = () => window.location.hash.replace(/^#/, '');

function useFinish() {
  const session = useSession();
  const navigate = useNavigate();
  return async (state: SessionState) => {
    session.set(state);
    window.history.replaceState(null, '', window.location.pathname);
    await navigate(pendingStep(state) ?? '/', { replace: true });
  };
}

const PASSWORD_HINT = 'At least 12 characters. A few unrelated words make a strong, memorable password.';

export function SetupPage() {
  const finish = useFinish();
  const [form, setForm] = useState({ email: '', name: '', password: '' });
  const setup = useMutation({ mutationFn: () => identityApi.setup({ token: tokenFromHash(), ...form }), onSuccess: finish });
  const { error, isPending: busy } = setup;
  function submit(event: FormEvent) {
    event.preventDefault();
    setup.mutate();
  }
  return (
    <AuthFrame title="Create the first administrator">
      <p>This one-time link creates the account that manages users, settings and keys. Administrators do not see client data by default.</p>
      {error !== null && <ErrorMessage error={error} title="Could not create the administrator" />}
      <form onSubmit={submit} noValidate>
        <TextField label="Your name" required autoComplete="name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={fieldError(error, 'body.name')} />
        <TextField label="Email" type="email" required autoComplete="username" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} error={fieldError(error, 'body.email')} />
        <TextField label="Password" type="password" required autoComplete="new-password" hint={PASSWORD_HINT} value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} error={fieldError(error, 'body.password')} />
        <Button type="submit" busy={busy}>
          Create administrator
        </Button>
      </form>
    </AuthFrame>
  );
}

export function InvitePage() {
  const finish = useFinish();
  const [password, setPassword] = useState('');
  const accept = useMutation({ mutationFn: () => identityApi.acceptInvite(tokenFromHash(), password), onSuccess: finish });
  const { error, isPending: busy } = accept;
  function submit(event: FormEvent) {
    event.preventDefault();
    accept.mutate();
  }
  return (
    <AuthFrame title="Choose your password">
      {error !== null && <ErrorMessage error={error} title="Could not set your password" />}
      <form onSubmit={submit} noValidate>
        <TextField label="New password" type="password" required autoComplete="new-password" hint={PASSWORD_HINT} value={password} onChange={(e) => setPassword(e.target.value)} error={fieldError(error, 'body.password')} />
        <Button type="submit" busy={busy}>
          Set password and continue
        </Button>
      </form>
    </AuthFrame>
  );
}
