import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, ErrorMessage, PageTitle, TextField } from '../../components';
import { vaultApi } from './api';

/** Shown while a passphrase-protected instance is sealed: the operator enters the master passphrase. */
export function UnsealPage() {
  const status = useQuery({ queryKey: ['vault', 'seal-status'], queryFn: vaultApi.sealStatus });
  const [passphrase, setPassphrase] = useState('');
  // The one-time link printed at the first start carries the setup token in its fragment (never
  // sent to the server in the URL); choosing the first passphrase needs it.
  const [setupToken] = useState(() => decodeURIComponent(window.location.hash.slice(1)) || undefined);
  const unseal = useMutation({ mutationFn: () => vaultApi.unseal(passphrase, setupToken), onSuccess: () => setPassphrase('') });
  const { error, isPending: busy, isSuccess: done } = unseal;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    unseal.mutate();
  };
  const sealed = status.data?.sealed ?? true;
  return (
    <main className="auth-frame" aria-labelledby="page-title">
      <PageTitle>Unseal Confidant</PageTitle>
      {done || !sealed ? (
        <p role="status">
          The vault is unsealed. <a href="/sign-in">Sign in</a>
        </p>
      ) : (
        <form onSubmit={submit} aria-label="Unseal">
          <p>{status.data?.initialized === false ? setupToken ? 'Choose the master passphrase for this new instance (at least 12 characters). Keep it safe: without it nothing can be decrypted.' : 'This new instance needs its master passphrase. Open the one-time link the server printed when it started (it ends in /unseal#…) and choose it there.' : 'Enter the master passphrase to unseal the vault.'}</p>
          <TextField label="Master passphrase" type="password" autoComplete="off" required value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          {error ? <ErrorMessage error={error} /> : null}
          <Button type="submit" busy={busy}>Unseal</Button>
        </form>
      )}
    </main>
  );
}
