import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, PageTitle, TextField } from '../../components';
import { formatTime } from '../../lib/format';
import { accessApi } from './api';

/** Compliance: every break-glass use waits here until reviewed as justified or not. */
export function ReviewQueuePage() {
  const [pendingOnly, setPendingOnly] = useState(true);
  const { data, error: loadError } = useQuery({ queryKey: ['access', 'break-glass', { pendingOnly }], queryFn: () => accessApi.breakGlass(pendingOnly) });
  const [notes, setNotes] = useState<Record<string, string>>({});
  const action = usePageAction(['access', 'break-glass']);
  const error = action.error ?? loadError;
  const busy = action.isPending;
  const review = (id: string, outcome: 'justified' | 'unjustified') => action.mutate(() => accessApi.review(id, outcome, notes[id] ?? ''));

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
      {data === undefined ? (
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
                <Button busy={busy} onClick={() => review(s.id, 'justified')}>
                  Justified
                </Button>{' '}
                <Button variant="danger" busy={busy} onClick={() => review(s.id, 'unjustified')}>
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
