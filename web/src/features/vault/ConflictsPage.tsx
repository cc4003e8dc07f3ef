// The compliance officer's conflict review: intakes held because a name matched another client or
// party, the hits (which name matched what, and where), and the decision (clear, waive with the
// client's consent, or clear and screen with a wall).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, Select } from '../../components';
import { formatTime } from '../../lib/format';
import { vaultApi, type ConflictCheck } from './api';

const STATUS: Record<ConflictCheck['status'], string> = { clear: 'No conflict', referred: 'Waiting for review', cleared: 'Cleared', waived: 'Waived with consent', walled: 'Cleared with a wall' };
const SHOWN = [
  { value: 'referred', label: 'Waiting for review' },
  { value: 'all', label: 'All decisions' },
];

const subjectOf = (check: ConflictCheck) => (check.subject === 'client' ? `New client ${check.clientName}` : `Matter ${check.matterNumber ?? ''} — ${check.matterTitle ?? ''} for ${check.clientName}`);

export function ConflictsPage() {
  const [shown, setShown] = useState<'referred' | 'all'>('referred');
  const { data: checks, error } = useQuery({ queryKey: ['vault', 'conflicts', shown], queryFn: () => vaultApi.conflictChecks(shown === 'referred' ? 'referred' : undefined) });
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Conflict checks</PageTitle>
      <p>Opening a client or a matter searches every client and party of the firm. When a name matches someone on the other side, the intake waits here; its requester only knows it was referred.</p>
      <Select label="Show" value={shown} onChange={(e) => setShown(e.target.value as 'referred' | 'all')} options={SHOWN} />
      {error ? <ErrorMessage error={error} /> : null}
      {!checks && !error ? <Loading /> : null}
      {checks && checks.items.length === 0 && <p>{shown === 'referred' ? 'Nothing waits for a conflict review.' : 'No possible conflicts have been found yet.'}</p>}
      {checks && checks.items.length > 0 && (
        <div className="table-scroll" tabIndex={0}>
          <table className="vault-table">
            <caption className="visually-hidden">Conflict checks</caption>
            <thead>
              <tr>
                <th scope="col">Intake</th>
                <th scope="col">Requested by</th>
                <th scope="col">When</th>
                <th scope="col">Possible conflicts</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {checks.items.map((check) => (
                <tr key={check.id}>
                  <td>
                    <Link to={`/conflicts/${check.id}`}>{subjectOf(check)}</Link>
                  </td>
                  <td>{check.requestedByName ?? 'Unknown person'}</td>
                  <td>{formatTime(check.requestedAt)}</td>
                  <td>{check.hitCount}</td>
                  <td>{STATUS[check.status]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function ConflictCheckPage() {
  const { checkId = '' } = useParams();
  const queryClient = useQueryClient();
  const { data: check, error } = useQuery({ queryKey: ['vault', 'conflict', checkId], queryFn: () => vaultApi.conflictCheck(checkId) });
  const [decision, setDecision] = useState<'clear' | 'waive' | 'wall'>('clear');
  const [note, setNote] = useState('');
  const decide = useMutation({
    mutationFn: () => vaultApi.decideConflictCheck(checkId, { decision, ...(note.trim() ? { note: note.trim() } : {}) }),
    onSuccess: (updated) => {
      queryClient.setQueryData(['vault', 'conflict', checkId], { ...updated, hits: check?.hits });
      void queryClient.invalidateQueries({ queryKey: ['vault', 'conflicts'] });
    },
  });
  if (error) return <ErrorMessage error={error} title="This conflict check cannot be shown" />;
  if (!check) return <Loading />;
  return (
    <section aria-labelledby="page-title">
      <PageTitle>{subjectOf(check)}</PageTitle>
      <p>
        Requested by {check.requestedByName ?? 'unknown'} on {formatTime(check.requestedAt)} · {STATUS[check.status]}
        {check.decidedAt ? ` by ${check.decidedByName ?? 'unknown'} on ${formatTime(check.decidedAt)}` : ''}
      </p>
      {check.note && <p>Consent recorded: {check.note}</p>}
      <h2>Possible conflicts ({check.hitCount})</h2>
      <div className="table-scroll" tabIndex={0}>
        <table className="vault-table">
          <caption className="visually-hidden">Which name matched what</caption>
          <thead>
            <tr>
              <th scope="col">Name in the intake</th>
              <th scope="col">Matched</th>
              <th scope="col">Where</th>
              <th scope="col">How</th>
            </tr>
          </thead>
          <tbody>
            {(check.hits ?? []).map((hit, index) => (
              <tr key={index}>
                <td>
                  {hit.searchedName} <span className="vault-hint">({hit.searchedAs === 'client' ? 'the client' : `${hit.searchedAs} party`})</span>
                </td>
                <td>
                  {hit.matchedName} <span className="vault-hint">({hit.matchedKind === 'client' ? 'a client' : `${hit.matchedRole ?? ''} party`})</span>
                </td>
                <td>
                  Client {hit.matchedClientName || '(destroyed)'}
                  {hit.matchedMatterNumber ? `, matter ${hit.matchedMatterNumber}${hit.matchedMatterTitle ? ` — ${hit.matchedMatterTitle}` : ''}` : ''}
                </td>
                <td>{hit.match === 'exact' ? 'Same name' : 'Same name once case, accents, punctuation and company suffixes are ignored'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {check.hitCount > (check.hits?.length ?? 0) && <p>Only the first {check.hits?.length ?? 0} are listed.</p>}
      {check.status === 'referred' ? (
        <form
          aria-label="Decide"
          onSubmit={(event) => {
            event.preventDefault();
            decide.mutate();
          }}
        >
          <h2>Decision</h2>
          <Select
            label="Decision"
            value={decision}
            onChange={(e) => setDecision(e.target.value as typeof decision)}
            options={[
              { value: 'clear', label: 'Clear — no conflict' },
              { value: 'waive', label: 'Waive — the client consents (record it)' },
              { value: 'wall', label: 'Clear with an ethical wall' },
            ]}
          />
          <label className="field">
            <span>{decision === 'waive' ? 'The client’s informed consent (who, when, how)' : 'Note (optional)'}</span>
            <textarea value={note} rows={3} onChange={(e) => setNote(e.target.value)} aria-invalid={fieldError(decide.error, 'body.note') ? true : undefined} />
            {fieldError(decide.error, 'body.note') && <span className="field-error">{fieldError(decide.error, 'body.note')}</span>}
          </label>
          {decide.error && !(decide.error instanceof ApiError && decide.error.fields.length > 0) ? <ErrorMessage error={decide.error} /> : null}
          <Button type="submit" busy={decide.isPending}>
            Record decision
          </Button>
        </form>
      ) : (
        <p role="status">
          {check.subject === 'client' ? 'The client is open.' : 'The matter is open.'}{' '}
          {check.status === 'walled' && (
            <>
              Now <Link to="/access/walls">create the wall</Link> on {check.subject === 'client' ? `client ${check.clientName}` : `matter ${check.matterNumber ?? ''}`}.
            </>
          )}
        </p>
      )}
      <p>
        <Link to="/conflicts">Back to conflict checks</Link>
      </p>
    </section>
  );
}
