import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { ApiError } from '../../api/client';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, TextField } from '../../components';
import { formatBytes, formatTime } from '../../lib/format';
import { useSession } from '../identity';
import { consentApi, saveBlob, type ShareItem, type ShareSession } from './api';
import { shortSha } from './labels';

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

/** Plain words for a share that refuses (the server's own sentence says which end it met). */
function endedTitle(error: unknown): string {
  const code = error instanceof ApiError ? error.code : null;
  if (code === 'SHARE_NOT_FOUND') return 'This link is not valid';
  if (code === 'SHARE_ENDED') return 'This share has ended';
  if (code === 'SHARE_DOWNLOAD_LIMIT') return 'The download limit is reached';
  if (code === 'RATE_LIMITED') return 'Too many tries';
  if (code === 'SHARE_VERIFICATION_REQUIRED') return 'Prove your e-mail address again';
  return 'Something went wrong';
}

/** The frame of the recipient's page: no app navigation, no account. */
function ShareFrame({ children }: { children: ReactNode }) {
  return (
    <div className="share-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Confidant</span>
      </header>
      <main id="main" className="share-main" tabIndex={-1}>
        <PageTitle>Documents shared with you</PageTitle>
        {children}
      </main>
    </div>
  );
}

/**
 * The recipient's page for a share link (`/share#<token>`): public, no session. The token stays in
 * the fragment (never sent in a URL) and in memory; the recipient proves their e-mail address with
 * a one-time code sent there, then downloads each item. Every step is decided, counted and audited
 * by the server.
 */
export function SharePage() {
  const { hash } = useLocation();
  const token = hash.replace(/^#/, '');
  const valid = TOKEN.test(token);
  // Asked once the app's session check has answered: a signed-out check clears the query cache (so
  // nobody's data outlives a session), which would drop an answer still in flight.
  const { loading } = useSession();
  const info = useQuery({ queryKey: ['share', 'open', token], queryFn: () => consentApi.openShare(token), enabled: valid && !loading, staleTime: Infinity });
  const [session, setSession] = useState<ShareSession | null>(null);
  if (!valid)
    return (
      <ShareFrame>
        <p>This link is not complete. Open the whole link from the e-mail you received, or ask the firm that sent it.</p>
      </ShareFrame>
    );
  return (
    <ShareFrame>
      {info.error !== null && <ErrorMessage error={info.error} title={endedTitle(info.error)} />}
      {info.data === undefined ? (
        !info.error && <Loading />
      ) : (
        <>
          <p>
            <strong>{info.data.firm}</strong> shares {info.data.itemCount === 1 ? 'one item' : `${info.data.itemCount} items`} with you, available until {formatTime(info.data.expiresAt)} ({info.data.downloadsLeft} downloads left).
          </p>
          {session ? <ShareItems share={session} /> : <VerifyEmail token={token} sentTo={info.data.sentTo} onVerified={(s) => setSession({ token, session: s })} />}
        </>
      )}
    </ShareFrame>
  );
}

function VerifyEmail({ token, sentTo, onVerified }: { token: string; sentTo: string; onVerified: (session: string) => void }) {
  const [code, setCode] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const send = useMutation({ mutationFn: () => consentApi.sendShareCode(token) });
  const verify = useMutation({ mutationFn: (c: string) => consentApi.verifyShare(token, c), onSuccess: (result) => onVerified(result.session) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(trimmed)) return setMissing('Type the six digits from the e-mail.');
    setMissing(null);
    verify.mutate(trimmed);
  };
  const codeError = missing ?? (verify.error instanceof ApiError && verify.error.code === 'SHARE_CODE_INVALID' ? 'That code is not valid. Check it, or ask for a new one if it expired.' : fieldError(verify.error, 'body.code'));
  return (
    <section aria-labelledby="verify-title">
      <h2 id="verify-title">Prove your e-mail address</h2>
      <p>Nothing is released until you type the one-time code we send to {sentTo}.</p>
      <Button variant={send.isSuccess ? 'secondary' : 'primary'} busy={send.isPending} onClick={() => send.mutate()}>
        {send.isSuccess ? 'Send another code' : 'Send me a code'}
      </Button>
      {send.isSuccess && <p role="status">A code was sent to {send.data.sentTo}. It works once, until {formatTime(send.data.expiresAt)}.</p>}
      {send.error !== null && <ErrorMessage error={send.error} title={endedTitle(send.error)} />}
      <form onSubmit={submit} aria-label="Verification code" noValidate>
        <TextField label="6-digit code" inputMode="numeric" autoComplete="one-time-code" maxLength={7} value={code} onChange={(e) => setCode(e.target.value)} error={codeError} />
        {verify.error !== null && !codeError && <ErrorMessage error={verify.error} title={endedTitle(verify.error)} />}
        <Button type="submit" busy={verify.isPending}>
          Confirm
        </Button>
      </form>
    </section>
  );
}

function ShareItems({ share }: { share: ShareSession }) {
  const items = useQuery({ queryKey: ['share', 'items', share.session], queryFn: () => consentApi.shareItems(share) });
  const download = useMutation({ mutationFn: async (item: ShareItem) => saveBlob(await consentApi.shareItemContent(share, item.id), item.name) });
  return (
    <section aria-labelledby="items-title">
      <h2 id="items-title">Your documents</h2>
      {items.error !== null && <ErrorMessage error={items.error} title={endedTitle(items.error)} />}
      {download.error !== null && <ErrorMessage error={download.error} title={endedTitle(download.error)} />}
      {items.data === undefined ? (
        !items.error && <Loading />
      ) : (
        <>
          <ul className="share-items">
            {items.data.items.map((item) => (
              <li key={item.id}>
                <span className="share-item-name">{item.name}</span>
                <span className="consent-detail">
                  {formatBytes(item.size)} · SHA-256 <code title={item.sha256}>{shortSha(item.sha256)}</code>
                </span>
                <Button aria-label={`Download ${item.name}`} busy={download.isPending && download.variables.id === item.id} onClick={() => download.mutate(item)}>
                  Download
                </Button>
              </li>
            ))}
          </ul>
          <p className="consent-detail">Each download counts against the limit the firm set; the firm is told of each one.</p>
        </>
      )}
    </section>
  );
}
