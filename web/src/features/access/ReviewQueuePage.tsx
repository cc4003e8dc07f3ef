import { useState } from 'react';
import { Button, ErrorMessage, Loading, PageTitle, TextField } from '../../components';
import { accessApi, formatTime } from './api';
import { useLoad } from './useLoad';

/** Compliance: every break-glass use waits here until reviewed as justified or not. */
export function ReviewQueuePage() {
  const [pendingOnly, setPendingOnly] = useState(true);
  const { data, error, reload, setError } = useLoad(() => accessApi.breakGlass(pendingOnly), [pendingOnly]);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const review = async (id: string, outcome: 'justified' | 'unjustified') => {
    setBusy(true);
    try {
      await accessApi.review(id, outcome, notes[id] ?? '');
      await reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <PageTitle>Break-glass review</PageTitle>
      <div role="group" aria-label="Which sessions">
        <Button variant={pendingOnly ? 'primary' : 'secondary'} aria-pressed={pendingOnly} onClick={() => setPendingOnly(true)}>
          Awaiting review
        </Button>
        <Button variant={!pendingOnly ? 'primary' : 'secondary'} aria-pressed={!pendingOnly} onClick={() => setPendingOnly(false)}>
          All
        </Button>
      </div>
      {error !== null && <ErrorMessage error={error} />}
      {data === null ? (
        !error && <Loading />
      ) : data.sessions.length === 0 ? (
        <p>Nothing to review.</p>
      ) : (
        data.sessions.map((s) => (
          <article key={s.id} className="review-item">
            <h2>
              {s.name ?? s.userId} — matter {s.matterId}
            </h2>
            <p>
              {formatTime(s.startedAt)} → {formatTime(s.expiresAt)}
            </p>
            <blockquote>{s.justification}</blockquote>
            {s.reviewedAt ? (
              <p>
                Reviewed {formatTime(s.reviewedAt)}: {s.reviewOutcome} — {s.reviewNote}
              </p>
            ) : (
              <>
                <TextField label="Review note" value={notes[s.id] ?? ''} onChange={(e) => setNotes({ ...notes, [s.id]: e.target.value })} required />
                <Button busy={busy} onClick={() => void review(s.id, 'justified')}>
                  Justified
                </Button>{' '}
                <Button variant="danger" busy={busy} onClick={() => void review(s.id, 'unjustified')}>
                  Not justified
                </Button>
              </>
            )}
          </article>
        ))
      )}
    </section>
  );
}
