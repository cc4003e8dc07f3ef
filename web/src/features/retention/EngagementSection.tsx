import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { usePageAction } from '../../api/query';
import { Button, fieldError, Loading, TextArea, TextField } from '../../components';
import { retentionApi, retentionKeys, terminationLetterUrl, type Termination } from './api';
import { dayText, itemText, localDay, statusText } from './labels';
import { Confirmation, hasFieldErrors, PlainError } from './parts';

const FIELDS = ['body.endedOn', 'body.anonymise', 'body.closeReason'];

/**
 * The client page's "End of the engagement": before it ends, the form that ends it (closing the
 * open matters and scheduling what is kept and for how long); after, when and by whom, what is
 * scheduled, and the letter for the client. The form only for someone who may end it.
 * `matterLabels` names the client's matters by number for the schedule.
 */
export function EngagementSection({ clientId, clientName, matterLabels }: { clientId: string; clientName: string; matterLabels: ReadonlyMap<string, string> }) {
  const termination = useQuery({
    queryKey: retentionKeys.termination(clientId),
    queryFn: () => retentionApi.termination(clientId),
    retry: false,
  });
  if (termination.isPending) return <Loading label="Checking the engagement…" />;
  // A refusal: not this person's to see.
  if (termination.error || !termination.data) return <p className="ret-detail">The end of this client’s engagement is shown to its lead attorney and the compliance officer.</p>;
  const status = termination.data;
  return (
    <section className="ret-engagement" aria-labelledby="engagement-title">
      <h2 id="engagement-title">End of the engagement</h2>
      {status.termination ? (
        <Ended termination={status.termination} clientId={clientId} matterLabels={matterLabels} />
      ) : status.canEnd ? (
        <EndForm clientId={clientId} clientName={clientName} />
      ) : (
        <p className="ret-detail">The engagement with this client goes on. Its lead attorney (with the whole client) or the compliance officer ends it here when it is over.</p>
      )}
    </section>
  );
}

function Ended({ termination: t, clientId, matterLabels }: { termination: Termination; clientId: string; matterLabels: ReadonlyMap<string, string> }) {
  // A destroyed matter is no longer listed: said as such.
  const what = (d: Termination['dispositions'][number]) => (d.itemType === 'matter' ? (matterLabels.has(d.itemId) ? `Matter ${matterLabels.get(d.itemId)}` : d.status === 'executed' ? 'A matter, destroyed' : 'A matter') : itemText(d));
  return (
    <>
      <p>
        The engagement ended on <strong>{dayText(t.endedAt)}</strong>, recorded by {t.requestedBy.name}.{' '}
        {t.anonymise ? 'At the end of retention the client is anonymised: matter content and personal data are destroyed, the matter shells stay.' : 'At the end of retention everything held for the client is destroyed.'}
      </p>
      {t.dispositions.length === 0 ? (
        <p>Nothing is scheduled for disposition yet.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="What is scheduled">
          <table className="ret-table">
            <caption>What is scheduled</caption>
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Due</th>
                <th scope="col">Where it stands</th>
              </tr>
            </thead>
            <tbody>
              {t.dispositions.map((d) => (
                <tr key={d.id}>
                  <td>{what(d)}</td>
                  <td>{dayText(d.dueAt)}</td>
                  <td>{statusText(d.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="ret-detail">Nothing is destroyed before a person approves it in the disposition queue, and never while a legal hold covers it.</p>
      <p>
        <a href={terminationLetterUrl(clientId)} download="end-of-engagement.pdf">
          Download the end-of-engagement letter
        </a>{' '}
        <span className="ret-detail">(PDF: what is kept, until when, and the client’s rights)</span>
      </p>
    </>
  );
}

function EndForm({ clientId, clientName }: { clientId: string; clientName: string }) {
  const queryClient = useQueryClient();
  const end = usePageAction(retentionKeys.termination(clientId));
  const anonymiseId = useId();
  const [endedOn, setEndedOn] = useState(() => localDay(new Date()));
  const [anonymise, setAnonymise] = useState(false);
  const [closeReason, setCloseReason] = useState('');
  const [asking, setAsking] = useState(false);
  const [missing, setMissing] = useState<string | null>(null);
  const error = end.error;
  const today = localDay(new Date());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (endedOn === '' || endedOn > today) {
      setMissing(endedOn === '' ? 'Choose the day the engagement ended.' : 'The engagement cannot end in the future.');
      return;
    }
    setMissing(null);
    setAsking(true);
  };
  const confirm = () =>
    end.mutate(
      async () => {
        await retentionApi.terminate(clientId, {
          endedOn,
          anonymise,
          ...(closeReason.trim() ? { closeReason: closeReason.trim() } : {}),
        });
        // Its matters closed: the client page's lists change too.
        await queryClient.invalidateQueries({ queryKey: ['vault'] });
      },
      { onSettled: () => setAsking(false) },
    );
  return (
    <>
      <p>When the firm stops acting for {clientName}, end the engagement here: its open matters close, and what is kept — and until when — is scheduled under the firm’s retention schedules, never below the legal minimum.</p>
      <details className="ret-new">
        <summary>End the engagement with {clientName}</summary>
        <form className="ret-form" onSubmit={submit} aria-label="End the engagement" noValidate>
          <TextField label="Ended on" type="date" required max={today} value={endedOn} onChange={(e) => setEndedOn(e.target.value)} error={missing ?? fieldError(error, 'body.endedOn')} />
          <div className={`field ret-check${fieldError(error, 'body.anonymise') ? ' field-invalid' : ''}`}>
            <span className="ret-check-row">
              <input id={anonymiseId} type="checkbox" checked={anonymise} onChange={(e) => setAnonymise(e.target.checked)} aria-describedby={`${anonymiseId}-hint`} />
              <label htmlFor={anonymiseId}>Anonymise instead of destroying at the end of retention</label>
            </span>
            <p className="field-hint" id={`${anonymiseId}-hint`}>
              Anonymising keeps the matter shells (numbers, dates, practice area) for the firm’s statistics and removes their content and the client’s personal data. Without it, the client’s keys are destroyed and nothing of it can be read again.
            </p>
          </div>
          <TextArea
            label="Why the open matters close"
            value={closeReason}
            onChange={(e) => setCloseReason(e.target.value)}
            maxLength={2000}
            rows={3}
            hint="Recorded on each matter still open (sealed). Leave empty for “End of the client relationship”."
            error={fieldError(error, 'body.closeReason')}
          />
          {error !== null && !hasFieldErrors(error, FIELDS) && (
            <PlainError
              error={error}
              title="The engagement was not ended"
              words={{
                ACCESS_DENIED: 'Only the lead attorney with access to all of this client’s matters, or the compliance officer, can end the engagement.',
              }}
            />
          )}
          {asking ? (
            <Confirmation title={`End the engagement with ${clientName}?`} confirmLabel="End the engagement" busy={end.isPending} onCancel={() => setAsking(false)} onConfirm={confirm}>
              <p>
                Every open matter of {clientName} closes on {dayText(endedOn)}, and the client’s disposition is scheduled. This cannot be taken back here.
              </p>
            </Confirmation>
          ) : (
            <Button type="submit">End the engagement</Button>
          )}
        </form>
      </details>
    </>
  );
}
