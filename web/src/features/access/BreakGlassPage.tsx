import { useState, type FormEvent } from 'react';
import { Button, ErrorMessage, Loading, PageTitle, TextField } from '../../components';
import { accessApi, formatTime } from './api';
import { useLoad } from './useLoad';

/** Emergency access: one matter, one hour, a written justification and a fresh second factor; compliance is told at once. */
export function BreakGlassPage() {
  const mine = useLoad(() => accessApi.myBreakGlass(), []);
  const [matterId, setMatterId] = useState('');
  const [justification, setJustification] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await accessApi.startBreakGlass({ matterId: matterId.trim(), justification });
      setJustification('');
      await mine.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <PageTitle>Emergency access (break-glass)</PageTitle>
      <p>
        Use only when a client would be harmed by waiting for the lead attorney. Access lasts one hour, the compliance officer is alerted immediately, and every use is reviewed afterwards. It
        never opens a matter you are screened from. If you signed in with your second factor more than 10 minutes ago, sign in again first.
      </p>
      {error !== null && <ErrorMessage error={error} />}
      <form onSubmit={(e) => void submit(e)} aria-label="Start emergency access">
        <TextField label="Matter id" value={matterId} onChange={(e) => setMatterId(e.target.value)} required />
        <div className="field">
          <label htmlFor="bg-justification">Justification (at least 20 characters)</label>
          <textarea id="bg-justification" value={justification} onChange={(e) => setJustification(e.target.value)} required minLength={20} rows={4} />
        </div>
        <Button type="submit" variant="danger" busy={busy}>
          Open emergency access for one hour
        </Button>
      </form>
      <h2>Your emergency access</h2>
      {mine.error !== null && <ErrorMessage error={mine.error} />}
      {mine.data === null ? (
        <Loading />
      ) : mine.data.sessions.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {mine.data.sessions.map((s) => (
            <li key={s.id}>
              Matter {s.matterId}: {formatTime(s.startedAt)} → {formatTime(s.expiresAt)} — {s.reviewOutcome ? `reviewed: ${s.reviewOutcome}` : 'awaiting review'}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
