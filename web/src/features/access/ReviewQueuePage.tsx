import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, TextField } from '../../components';
import { formatTime } from '../../lib/format';
import { accessApi } from './api';
import { matterText, personText } from './labels';
import './access.css';

/** Compliance: every break-glass use waits here until reviewed as justified or not. */
export function ReviewQueuePage() {
  const [pendingOnly, setPendingOnly] = useState(true);
  const { data, error: loadError } = useQuery({ queryKey: ['access', 'break-glass', { pendingOnly }], queryFn: () => accessApi.breakGlass(pendingOnly) });
  const [notes, setNotes] = useState<Record<string, string>>({});
  const action = usePageAction(['access', 'break-glass']);
  const error = action.error ?? loadError;
  const busy = action.isPending;
  const [reviewing, setReviewing] = useState<string | null>(null);
  const review = (id: string, outcome: 'justified' | 'unjustified') => {
    setReviewing(id);
    action.mutate(() => accessApi.review(id, outcome, notes[id] ?? ''));
  };
  // A 400 about the note is shown under that session's note field, not above the list.
  const noteError = (id: string) => (reviewing === id ? fieldError(error, 'body.note') : null);

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
      {error !== null && !fieldError(error, 'body.note') && <ErrorMessage error={error} />}
      {data === undefined ? (
        !error && <Loading />
      ) : data.sessions.length === 0 ? (
        <p>{pendingOnly ? 'Nothing to review — every emergency access waits here until you decide whether it was justified.' : 'Nobody has used emergency access.'}</p>
      ) : (
        data.sessions.map((s) => (
          <article key={s.id} className="review-item">
            <h2>
              {personText(s.name)} — matter {matterText(s.matter)}
            </h2>
            <p>
              {formatTime(s.startedAt)} → {formatTime(s.expiresAt)}
            </p>
            <blockquote>{s.justification}</blockquote>
            {s.reviewedAt ? (
              <p>
                Reviewed {formatTime(s.reviewedAt)}
                {s.reviewedByName && ` by ${s.reviewedByName}`}: {s.reviewOutcome === 'justified' ? 'justified' : 'not justified'} — {s.reviewNote}
              </p>
            ) : (
              <>
                <TextField label="Review note" value={notes[s.id] ?? ''} onChange={(e) => setNotes({ ...notes, [s.id]: e.target.value })} required error={noteError(s.id)} />
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
