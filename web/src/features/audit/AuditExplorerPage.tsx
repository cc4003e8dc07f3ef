import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { Button, ClientPicker, ErrorMessage, fieldError, Loading, MatterPicker, PageTitle, PersonPicker, Select, TextField, type PickerOption } from '../../components';
import { ApiError } from '../../api/client';
import { formatTime, parseLocal } from '../../lib/format';
import { auditApi, type AuditEvent, type EventFilter, type Names } from './api';
import { nameBook, type NameBook } from './names';
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

interface Form {
  actor: PickerOption | null;
  client: PickerOption | null;
  matter: PickerOption | null;
  document: PickerOption | null;
  action: string;
  outcome: string;
  since: string;
  until: string;
}
const EMPTY: Form = { actor: null, client: null, matter: null, document: null, action: '', outcome: '', since: '', until: '' };

/**
 * A document as a filter: documents have no picker (their names are sealed client content), so
 * one is chosen from an event ("Only this document") and shown here by what it belongs to.
 */
export function DocumentFilter({ value, onClear, error }: { value: PickerOption | null; onClear: () => void; error: string | null }) {
  if (!value) return null;
  return (
    <div className="field" role="group" aria-label="Document">
      <span>Document</span>
      <span>
        {value.label}{' '}
        <Button variant="secondary" onClick={onClear}>
          Any document
        </Button>
      </span>
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}

/** How an event's document is named: the matter it belongs to, never its (sealed) file name. */
export const documentOption = (id: string, matterText: string): PickerOption => ({ id, label: matterText ? `a document of matter ${matterText}` : 'a document' });

/** What an event was about, in words: names and matter numbers (ids stay in the title attribute). */
export function EventResources({ event, book }: { event: AuditEvent['event']; book: NameBook }) {
  const parts: { key: string; text: string; id: string }[] = [];
  if (event.userId) parts.push({ key: 'user', text: `person ${book.person(event.userId)}`, id: event.userId });
  if (event.matterId) parts.push({ key: 'matter', text: `matter ${book.matter(event.matterId)}`, id: event.matterId });
  if (event.clientId) parts.push({ key: 'client', text: `client ${book.client(event.clientId)}`, id: event.clientId });
  if (event.documentId) parts.push({ key: 'document', text: 'a document', id: event.documentId });
  if (event.otherType) parts.push({ key: 'other', text: event.otherType.replace(/_/g, ' '), id: event.otherId ?? '' });
  if (parts.length === 0) return <>—</>;
  return (
    <>
      {parts.map((p, i) => (
        <span key={p.key} title={p.id}>
          {i > 0 ? ', ' : ''}
          {p.text}
        </span>
      ))}
    </>
  );
}

/** Compliance officers: filter the log, open an event, check its inclusion proof in the browser. */
export function AuditExplorerPage() {
  // A page linking here (a matter's access history) hands over the matter to start from.
  const preset = (useLocation().state ?? {}) as { matter?: PickerOption };
  const [form, setForm] = useState<Form>({ ...EMPTY, matter: preset.matter ?? null });
  const [filter, setFilter] = useState<EventFilter | null>(null);
  const search = useMutation({ mutationFn: auditApi.events, onSuccess: (_page, next) => setFilter(next) });
  const { data: page, error } = search;
  const busy = search.isPending;
  const [selected, setSelected] = useState<AuditEvent | null>(null);
  const book = nameBook(page?.names);

  const run = (next: Form, from?: number) => {
    setSelected(null);
    const { since, until, outcome, actor, client, matter, document, action } = next;
    search.mutate({
      actorId: actor?.id,
      clientId: client?.id,
      matterId: matter?.id,
      documentId: document?.id,
      action: action.trim() || undefined,
      outcome: (outcome || undefined) as EventFilter['outcome'],
      since: toMs(since),
      until: toMs(until),
      limit: 50,
      ...(from !== undefined ? { from } : {}),
    });
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    run(form);
  };
  /** From an event's details: show only this person's, matter's or client's events. */
  const narrow = (change: Partial<Form>) => {
    const next = { ...form, ...change };
    setForm(next);
    run(next);
  };

  const set = (key: 'action' | 'outcome' | 'since' | 'until') => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  return (
    <section aria-labelledby="audit-title">
      <PageTitle>Audit log</PageTitle>
      <form onSubmit={onSubmit} className="audit-filters" aria-label="Filter audit events">
        <PersonPicker label="Actor" value={form.actor} onChange={(actor) => setForm({ ...form, actor })} error={queryFieldError(error, 'actorId')} />
        <ClientPicker label="Client" value={form.client} onChange={(client) => setForm({ ...form, client })} error={queryFieldError(error, 'clientId')} hint="Clients you may open; or use “Only this client” on an event" />
        <MatterPicker oversight label="Matter" value={form.matter} onChange={(matter) => setForm({ ...form, matter })} error={queryFieldError(error, 'matterId')} hint="Type its number (or its title, where you may open it)" />
        <DocumentFilter value={form.document} onClear={() => setForm({ ...form, document: null })} error={queryFieldError(error, 'documentId')} />
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
            {page.events.length === 0 ? 'No events match these filters.' : `Showing ${page.events.length} event(s).`} The log holds {page.treeSize} events.
          </p>
          {page.events.length > 0 && (
            <div className="table-scroll" tabIndex={0}>
              <table className="audit-table">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Time</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">About</th>
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
                      <td title={e.event.actorId}>{book.person(e.event.actorId, e.event.actorType)}</td>
                      <td>{e.event.action}</td>
                      <td>
                        {e.event.outcome}
                        {e.event.reason ? ` (${e.event.reason})` : ''}
                      </td>
                      <td>
                        <EventResources event={e.event} book={book} />
                      </td>
                      <td>
                        <Button variant="secondary" onClick={() => setSelected(e)} aria-label={`Details of event ${e.index}`}>
                          Details
                        </Button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {page.next !== null && filter && (
            <Button variant="secondary" onClick={() => search.mutate({ ...filter, from: page.next! })}>
              Next page
            </Button>
          )}
        </>
      )}
      {selected && page && <EventDetail event={selected} names={page.names} onNarrow={narrow} />}
    </section>
  );
}

type Check = { state: 'idle' } | { state: 'checking' } | { state: 'verified'; size: number; root: string } | { state: 'failed'; reason: string };

/** One event: every field of its leaf, and its inclusion proof checked here, in the browser. */
export function EventDetail({ event, names, onNarrow }: { event: AuditEvent; names: Names; onNarrow?: (change: Partial<Form>) => void }) {
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const book = nameBook(names);
  const leaf = event.event;

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
      <p>
        {book.person(leaf.actorId, leaf.actorType)}: {leaf.action}, {leaf.outcome}
        {leaf.reason ? ` (${leaf.reason})` : ''}, {formatTime(leaf.at)}. About: <EventResources event={leaf} book={book} />.
      </p>
      {onNarrow && (
        <div className="audit-narrow" role="group" aria-label="Show only">
          {leaf.actorType === 'user' && leaf.actorId && (
            <Button variant="secondary" onClick={() => onNarrow({ actor: { id: leaf.actorId!, label: book.person(leaf.actorId) } })}>
              Only this person
            </Button>
          )}
          {leaf.matterId && (
            <Button variant="secondary" onClick={() => onNarrow({ matter: { id: leaf.matterId!, label: book.matter(leaf.matterId) } })}>
              Only this matter
            </Button>
          )}
          {leaf.clientId && (
            <Button variant="secondary" onClick={() => onNarrow({ client: { id: leaf.clientId!, label: book.client(leaf.clientId) } })}>
              Only this client
            </Button>
          )}
          {leaf.documentId && (
            <Button variant="secondary" onClick={() => onNarrow({ document: documentOption(leaf.documentId!, book.matter(leaf.matterId)) })}>
              Only this document
            </Button>
          )}
          {(leaf.matterId || (leaf.actorType === 'user' && leaf.actorId)) && (
            <Link
              to="/audit/reports"
              state={{
                ...(leaf.actorType === 'user' && leaf.actorId ? { person: { id: leaf.actorId, label: book.person(leaf.actorId) } } : {}),
                ...(leaf.matterId ? { matter: { id: leaf.matterId, label: book.matter(leaf.matterId) } } : {}),
                ...(leaf.documentId ? { document: documentOption(leaf.documentId, book.matter(leaf.matterId)) } : {}),
              }}
            >
              Reports on this person and matter
            </Link>
          )}
        </div>
      )}
      <h3>Every field of the leaf</h3>
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
