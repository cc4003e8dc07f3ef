import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Button, ErrorMessage, Loading, PageTitle, Select, TextField } from '../../components';
import { identityApi, type SessionInfo, type TokenInfo } from './api';
import { fieldError, RecoveryCodesShown } from './AuthFrame';
import { Enrollment } from './Enrollment';
import { useSession } from './session';
import { useStepUp } from './StepUp';

const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toLocaleString());

/** Account settings: password, second factors, sessions, API tokens. */
export function AccountPage() {
  const session = useSession();
  const { refresh } = session;
  const stepUp = useStepUp();
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [tokens, setTokens] = useState<TokenInfo[] | null>(null);
  const [passkeys, setPasskeys] = useState<{ id: string; name: string; createdAt: number; lastUsedAt: number | null }[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);

  const load = useCallback(async () => {
    try {
      const [s, t, p] = await Promise.all([identityApi.sessions(), identityApi.tokens(), identityApi.passkeys()]);
      setSessions(s.sessions);
      setTokens(t.tokens);
      setPasskeys(p.passkeys);
      await refresh();
    } catch (e) {
      setError(e);
    }
  }, [refresh]);

  useEffect(() => {
    void load();
  }, [load]);

  if (!session.state || !sessions || !tokens) return error ? <ErrorMessage error={error} /> : <Loading />;
  const { factors } = session.state;

  return (
    <section aria-labelledby="account-title">
      <PageTitle>Your account</PageTitle>
      {error !== null && <ErrorMessage error={error} />}
      {stepUp.error !== null && <ErrorMessage error={stepUp.error} />}
      {stepUp.prompt}
      <PasswordForm />

      <section aria-labelledby="factors-title">
        <h2 id="factors-title">Second factors</h2>
        {codes && <RecoveryCodesShown codes={codes} onDone={() => setCodes(null)} />}
        <ul>
          <li>
            Authenticator app: {factors.totp ? 'set up' : 'not set up'}{' '}
            {factors.totp && (
              <Button variant="danger" onClick={() => void stepUp.run(async () => (await identityApi.removeTotp(), await load()))}>
                Remove
              </Button>
            )}
          </li>
          {passkeys.map((p) => (
            <li key={p.id}>
              Passkey “{p.name}” — added {when(p.createdAt)}, last used {when(p.lastUsedAt)}{' '}
              <Button variant="danger" onClick={() => void stepUp.run(async () => (await identityApi.removePasskey(p.id), await load()))}>
                Remove
              </Button>
            </li>
          ))}
          <li>
            Recovery codes left: {factors.recoveryCodesLeft}{' '}
            <Button variant="secondary" onClick={() => void stepUp.run(async () => setCodes((await identityApi.newRecoveryCodes()).recoveryCodes))}>
              New recovery codes
            </Button>
          </li>
        </ul>
        {adding ? (
          <Enrollment hasTotp={factors.totp} onDone={() => (setAdding(false), void load())} />
        ) : (
          <Button variant="secondary" onClick={() => setAdding(true)}>
            Add a second factor
          </Button>
        )}
      </section>

      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">Where you are signed in</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Signed in</th>
              <th scope="col">Last active</th>
              <th scope="col">Device</th>
              <th scope="col">Address</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td>{when(s.createdAt)}</td>
                <td>{when(s.lastSeenAt)}</td>
                <td>{s.userAgent ?? 'unknown'}</td>
                <td>{s.ip ?? ''}</td>
                <td>
                  {s.current ? (
                    'This session'
                  ) : (
                    <Button variant="secondary" onClick={() => void identityApi.revokeSession(s.id).then(load, setError)}>
                      Sign out
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {sessions.length > 1 && (
          <Button variant="secondary" onClick={() => void identityApi.revokeOtherSessions().then(load, setError)}>
            Sign out everywhere else
          </Button>
        )}
      </section>

      <TokensSection tokens={tokens} onChange={load} />
    </section>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await identityApi.changePassword(current, next);
      setDone(true);
      setCurrent('');
      setNext('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      {done && <p role="status">Password changed. Your other sessions were signed out.</p>}
      {error !== null && !fieldError(error, 'body.newPassword') && !fieldError(error, 'body.currentPassword') && <ErrorMessage error={error} />}
      <form onSubmit={submit} noValidate>
        <TextField label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} error={fieldError(error, 'body.currentPassword')} />
        <TextField label="New password" type="password" autoComplete="new-password" hint="At least 12 characters; several unrelated words work well." value={next} onChange={(e) => setNext(e.target.value)} error={fieldError(error, 'body.newPassword')} />
        <Button type="submit" busy={busy}>
          Change password
        </Button>
      </form>
    </section>
  );
}

function TokensSection({ tokens, onChange }: { tokens: TokenInfo[]; onChange: () => Promise<void> }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState('read');
  const [days, setDays] = useState('30');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const result = await identityApi.createToken(name, [scope], Number(days));
      setCreated(result.token);
      setName('');
      await onChange();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      {created && (
        <div role="status" className="notice">
          <p>Copy this token now; it will not be shown again:</p>
          <code data-testid="new-token">{created}</code>
        </div>
      )}
      {error !== null && <ErrorMessage error={error} />}
      <ul>
        {tokens.map((t) => (
          <li key={t.id}>
            {t.name} ({t.scopes.join(', ')}) — expires {when(t.expiresAt)}, last used {when(t.lastUsedAt)}{' '}
            <Button variant="danger" onClick={() => void identityApi.revokeToken(t.id).then(onChange, setError)}>
              Revoke
            </Button>
          </li>
        ))}
      </ul>
      <form onSubmit={submit} noValidate>
        <TextField label="Token name" required value={name} onChange={(e) => setName(e.target.value)} maxLength={100} error={fieldError(error, 'body.name')} />
        <Select label="Access" value={scope} onChange={(e) => setScope(e.target.value)} options={[{ value: 'read', label: 'Read only' }, { value: 'api', label: 'Everything you can do' }]} />
        <TextField label="Expires after (days)" type="number" min={1} max={366} value={days} onChange={(e) => setDays(e.target.value)} error={fieldError(error, 'body.expiresInDays')} />
        <Button type="submit">Create token</Button>
      </form>
    </section>
  );
}
