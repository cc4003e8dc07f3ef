import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, Select, TextField } from '../../components';
import { ApiError } from '../../api/client';
import { formatTime, parseLocal } from '../../lib/format';
import { auditApi, type AuditEvent, type EventFilter } from './api';
import { verifyInclusionInBrowser } from './verify';

/** A `datetime-local` value as a query parameter (left out when empty). */
export const toMs = (local: string): number | undefined => parseLocal(local) ?? undefined;
/** The error for a query parameter of the audit routes. */
export const queryFieldError = (error: unknown, name: string): string | null => fieldError(error, `querystring.${name}`);

const OUTCOMES = [
  { value: '', label: 'Any' },
  { value: 'allowed', label: 'Allowed' },
  { value: 'denied', label: 'Denied' },
];

/** Compliance officers: filter the log, open an event, check its inclusion proof in the browser. */
export function AuditExplorerPage() {
  const [form, setForm] = useState({ actorId: '', clientId: '', matterId: '', documentId: '', action: '', outcome: '', since: '', until: '' });
  const [filter, setFilter] = useState<EventFilter | null>(null);
  const search = useMutation({ mutationFn: auditApi.events, onSuccess: (_page, next) => setFilter(next) });
  const { data: page, error } = search;
  const busy = search.isPending;
  const [selected, setSelected] = useState<AuditEvent | null>(null);
  const load = (next: EventFilter) => search.mutate(next);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSelected(null);
    const { since, until, outcome, ...rest } = form;
    load({ ...rest, outcome: (outcome || undefined) as EventFilter['outcome'], since: toMs(since), until: toMs(until), limit: 50 });
  };

  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  return (
    <section aria-labelledby="audit-title">
      <PageTitle>Audit log</PageTitle>
      <form onSubmit={onSubmit} className="audit-filters" aria-label="Filter audit events">
        <TextField label="Actor id" value={form.actorId} onChange={set('actorId')} error={queryFieldError(error, 'actorId')} />
        <TextField label="Client id" value={form.clientId} onChange={set('clientId')} error={queryFieldError(error, 'clientId')} />
        <TextField label="Matter id" value={form.matterId} onChange={set('matterId')} error={queryFieldError(error, 'matterId')} />
        <TextField label="Document id" value={form.documentId} onChange={set('documentId')} error={queryFieldError(error, 'documentId')} />
        <TextField label="Action" hint="e.g. document.read" value={form.action} onChange={set('action')} error={queryFieldError(error, 'action')} />
        <Select label="Outcome" options={OUTCOMES} value={form.outcome} onChange={set('outcome')} />
        <TextField label="From" type="datetime-local" value={form.since} onChange={set('since')} error={queryFieldError(error, 'since')} />
        <TextField label="Until" type="datetime-local" value={form.until} onChange={set('until')} error={queryFieldError(error, 'until')} />
        <Button type="submit" disabled={busy}>
          Search
        </Button>
      </form>
      {error !== null && <ErrorMessage error={error} title="The search failed" />}
      {busy && <Loading />}
      {page && (
        <>
          <p>
            {page.events.length === 0 ? 'No events match.' : `Showing ${page.events.length} event(s).`} The log holds {page.treeSize} events.
          </p>
          {page.events.length > 0 && (
            <table className="audit-table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Resources</th>
                  <th scope="col">
                    <span className="visually-hidden">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.events.map((e) => (
                  <tr key={e.index} aria-selected={selected?.index === e.index}>
                    <td>{e.index}</td>
                    <td>{formatTime(e.event.at)}</td>
                    <td>{e.event.actorId ?? e.event.actorType}</td>
                    <td>{e.event.action}</td>
                    <td>
                      {e.event.outcome}
                      {e.event.reason ? ` (${e.event.reason})` : ''}
                    </td>
                    <td>{[e.event.clientId && `client ${e.event.clientId}`, e.event.matterId && `matter ${e.event.matterId}`, e.event.documentId && `document ${e.event.documentId}`].filter(Boolean).join(', ')}</td>
                    <td>
                      <Button variant="secondary" onClick={() => setSelected(e)} aria-label={`Details of event ${e.index}`}>
                        Details
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {page.next !== null && filter && (
            <Button variant="secondary" onClick={() => load({ ...filter, from: page.next! })}>
              Next page
            </Button>
          )}
        </>
      )}
      {selected && <EventDetail event={selected} />}
    </section>
  );
}

type Check = { state: 'idle' } | { state: 'checking' } | { state: 'verified'; size: number; root: string } | { state: 'failed'; reason: string };

/** One event: every field of its leaf, and its inclusion proof checked here, in the browser. */
export function EventDetail({ event }: { event: AuditEvent }) {
  const [check, setCheck] = useState<Check>({ state: 'idle' });

  const verify = async () => {
    setCheck({ state: 'checking' });
    try {
      let checkpoint = await auditApi.checkpoint();
      if (checkpoint.size <= event.index) checkpoint = await auditApi.signCheckpoint();
      const proof = await auditApi.inclusion(event.index, checkpoint.size);
      const ok = await verifyInclusionInBrowser(event.leaf, event.index, checkpoint.size, proof.proof, checkpoint.rootHash);
      setCheck(ok ? { state: 'verified', size: checkpoint.size, root: checkpoint.rootHash } : { state: 'failed', reason: 'The proof does not lead to the signed checkpoint root.' });
    } catch (e) {
      setCheck({ state: 'failed', reason: e instanceof ApiError ? e.message : 'The proof could not be fetched.' });
    }
  };

  return (
    <section className="audit-detail" aria-labelledby="event-detail-title">
      <h2 id="event-detail-title">Event {event.index}</h2>
      <dl>
        {Object.entries(event.event).map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{key === 'at' ? `${formatTime(Number(value))} (${value})` : String(value)}</dd>
          </div>
        ))}
      </dl>
      <p>
        Leaf hash <code>{event.leafHash}</code>
      </p>
      <Button onClick={() => void verify()} disabled={check.state === 'checking'}>
        Verify inclusion in this browser
      </Button>
      <p role="status" className={check.state === 'failed' ? 'audit-bad' : check.state === 'verified' ? 'audit-good' : undefined}>
        {check.state === 'checking' && 'Checking…'}
        {check.state === 'verified' && `Verified with WebCrypto: this exact event is entry ${event.index} of the signed checkpoint of ${check.size} events (root ${check.root}).`}
        {check.state === 'failed' && `Not verified: ${check.reason}`}
      </p>
    </section>
  );
}
