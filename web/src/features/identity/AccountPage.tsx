import { useMutation, useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, Select, TextField } from '../../components';
import { formatTime } from '../../lib/format';
import { identityApi, type TokenInfo, type TokenScope } from './api';
import { RecoveryCodesShown, SecretActions } from './AuthFrame';
import { Enrollment } from './Enrollment';
import { useSession } from './session';
import { useStepUp } from './StepUp';

const when = (ms: number | null) => (ms === null ? 'never' : formatTime(ms));

/** The server's default TOKEN_MAX_LIFETIME_DAYS; a firm may set a lower one (the server then names the field). */
export const TOKEN_MAX_DAYS = 90;

/** Account settings: password, second factors, sessions, API tokens. */
export function AccountPage() {
  const session = useSession();
  const { refresh } = session;
  const stepUp = useStepUp();
  const account = useQuery({
    queryKey: ['identity', 'account'],
    queryFn: async () => {
      const [s, t, p] = await Promise.all([identityApi.sessions(), identityApi.tokens(), identityApi.passkeys()]);
      return { sessions: s.sessions, tokens: t.tokens, passkeys: p.passkeys };
    },
  });
  const { refetch } = account;
  const { sessions, tokens, passkeys = [] } = account.data ?? {};
  const [actionError, setError] = useState<unknown>(null);
  const error = actionError ?? account.error;
  const [adding, setAdding] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [othersEnded, setOthersEnded] = useState(false);

  // The lists and the session state (factors, recovery codes left) are read again after each change.
  const load = useCallback(async () => {
    await Promise.all([refetch(), refresh()]);
  }, [refetch, refresh]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  if (!session.state || !sessions || !tokens) return error ? <ErrorMessage error={error} /> : <Loading />;
  const { factors } = session.state;

  return (
    <section aria-labelledby="account-title">
      <PageTitle>Your account</PageTitle>
      {error !== null && <ErrorMessage error={error} />}
      {stepUp.error !== null && <ErrorMessage error={stepUp.error} />}
      {stepUp.prompt}
      <PasswordForm onChanged={load} />

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
        {/* The table scrolls on its own on a narrow screen, so the page never does (as on the people page). */}
        <div className="table-scroll" style={{ position: 'relative' }}>
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
        </div>
        {othersEnded && (
          <p role="status" className="notice">
            Your other sessions were signed out, and all your API tokens were ended too. Create a new token for any tool that still needs one.
          </p>
        )}
        {(sessions.length > 1 || tokens.length > 0) && (
          <>
            <p>Signing out everywhere else also ends all your API tokens.</p>
            <Button
              variant="secondary"
              onClick={() => {
                setOthersEnded(false);
                void identityApi.revokeOtherSessions().then(async () => (setOthersEnded(true), await load()), setError);
              }}
            >
              Sign out everywhere else
            </Button>
          </>
        )}
      </section>

      {/* A client's portal account works in the browser only: no API tokens. */}
      {session.state.user.role !== 'client' && <TokensSection tokens={tokens} onChange={load} />}
    </section>
  );
}

function PasswordForm({ onChanged }: { onChanged: () => Promise<void> }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation({
    mutationFn: () => identityApi.changePassword(current, next),
    onSuccess: async () => {
      setCurrent('');
      setNext('');
      // The server ended the API tokens too: show the list as it now is.
      await onChanged();
    },
  });
  const { error, isPending: busy, isSuccess: done } = change;
  function submit(event: FormEvent) {
    event.preventDefault();
    change.mutate();
  }
  return (
    <section aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      {done && <p role="status">Password changed. Your other sessions were signed out, and all your API tokens were ended too.</p>}
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
  // Its own step-up, so the prompt for a stale factor appears here, next to the form.
  const stepUp = useStepUp();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<TokenScope>('read');
  const [days, setDays] = useState('30');
  const [daysError, setDaysError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<unknown>(null);
  const error = stepUp.error;
  function submit(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    const lifetime = Number(days);
    if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > TOKEN_MAX_DAYS) {
      setDaysError(`Enter a whole number of days from 1 to ${TOKEN_MAX_DAYS}.`);
      return;
    }
    setDaysError(null);
    setBusy(true);
    // Creating a token needs a second factor confirmed in the last 10 minutes: asked inline, then created.
    void stepUp
      .run(async () => {
        const result = await identityApi.createToken(name, [scope], lifetime);
        setCreated(result.token);
        setName('');
        await onChange();
      })
      .finally(() => setBusy(false));
  }
  const nameError = fieldError(error, 'body.name');
  const serverDaysError = fieldError(error, 'body.expiresInDays');
  return (
    <section aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      {created && (
        <div role="status" className="notice new-token">
          <p>Copy this token now; it will not be shown again:</p>
          <code data-testid="new-token">{created}</code>
          <SecretActions text={created} fileName="confidant-api-token.txt" what="API token" />
        </div>
      )}
      {revokeError !== null && <ErrorMessage error={revokeError} />}
      {tokens.length === 0 && <p>You have no API tokens. Create one below for a script or tool that calls Confidant for you.</p>}
      <ul>
        {tokens.map((t) => (
          <li key={t.id}>
            {t.name} ({t.scopes.join(', ')}) — expires {when(t.expiresAt)}, last used {when(t.lastUsedAt)}{' '}
            <Button variant="danger" onClick={() => (setRevokeError(null), void identityApi.revokeToken(t.id).then(onChange, setRevokeError))}>
              Revoke
            </Button>
          </li>
        ))}
      </ul>
      {error !== null && !nameError && !serverDaysError && <ErrorMessage error={error} title="Token not created" />}
      <form onSubmit={submit} noValidate aria-label="Create an API token">
        <TextField label="Token name" required value={name} onChange={(e) => setName(e.target.value)} maxLength={100} error={nameError} />
        <Select label="Access" value={scope} onChange={(e) => setScope(e.target.value as TokenScope)} options={[{ value: 'read', label: 'Read only' }, { value: 'api', label: 'Everything you can do' }]} />
        <TextField
          label="Expires after (days)"
          type="number"
          inputMode="numeric"
          min={1}
          max={TOKEN_MAX_DAYS}
          step={1}
          hint={`From 1 to ${TOKEN_MAX_DAYS} days; your firm may allow fewer.`}
          value={days}
          onChange={(e) => setDays(e.target.value)}
          error={daysError ?? serverDaysError}
        />
        <p>Creating a token asks for your second factor if you last confirmed it more than 10 minutes ago.</p>
        <Button type="submit" busy={busy}>
          Create token
        </Button>
      </form>
      {stepUp.prompt}
    </section>
  );
}
