import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useLocation } from 'react-router';
import { Button, ClientPicker, ErrorMessage, MatterPicker, PageTitle, PersonPicker, TextField, type PickerOption } from '../../components';
import { formatTime } from '../../lib/format';
import { auditApi, type PersonMatterReport } from './api';
import { DocumentFilter, queryFieldError, toMs } from './AuditExplorerPage';
import { nameBook } from './names';
import { verifyInclusionInBrowser } from './verify';

/** What another audit page hands over (an event's person or matter), so a report starts from it. */
export interface ReportsPreset {
  person?: PickerOption;
  matter?: PickerOption;
  client?: PickerOption;
  document?: PickerOption;
}

/** Reports: who accessed X; did P access M between dates (with proofs); breach scope. */
export function ReportsPage() {
  const preset = (useLocation().state ?? {}) as ReportsPreset;
  return (
    <section aria-labelledby="reports-title">
      <PageTitle>Audit reports</PageTitle>
      <WhoAccessed preset={preset} />
      <PersonMatter preset={preset} />
      <BreachScopeReport preset={preset} />
    </section>
  );
}

function WhoAccessed({ preset }: { preset: ReportsPreset }) {
  const [form, setForm] = useState<{ client: PickerOption | null; matter: PickerOption | null; document: PickerOption | null }>({ client: preset.client ?? null, matter: preset.matter ?? null, document: preset.document ?? null });
  const run = useMutation({ mutationFn: auditApi.access });
  const { error } = run;
  const result = run.data?.actors;
  const book = nameBook(run.data?.names);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run.mutate({ clientId: form.client?.id, matterId: form.matter?.id, documentId: form.document?.id });
  };
  return (
    <section aria-labelledby="who-title" className="audit-report">
      <h2 id="who-title">Who accessed a client, matter or document</h2>
      <form onSubmit={(e) => void submit(e)}>
        <ClientPicker label="Client" value={form.client} onChange={(client) => setForm({ ...form, client })} error={queryFieldError(error, 'clientId')} hint="Give a client or a matter (or, from an event of the audit log, a document)" />
        <MatterPicker oversight label="Matter" value={form.matter} onChange={(matter) => setForm({ ...form, matter })} error={queryFieldError(error, 'matterId')} />
        <DocumentFilter value={form.document} onClear={() => setForm({ ...form, document: null })} error={queryFieldError(error, 'documentId')} />
        <Button type="submit">Show who accessed</Button>
      </form>
      {error !== null && <ErrorMessage error={error} />}
      {result &&
        (result.length === 0 ? (
          <p>Nobody accessed it in the log.</p>
        ) : (
          <div className="table-scroll" tabIndex={0}>
            <table className="audit-table">
              <thead>
                <tr>
                  <th scope="col">Who</th>
                  <th scope="col">Allowed</th>
                  <th scope="col">Denied</th>
                  <th scope="col">First</th>
                  <th scope="col">Last</th>
                </tr>
              </thead>
              <tbody>
                {result.map((a) => (
                  <tr key={`${a.actorType}:${a.actorId ?? ''}`}>
                    <td title={a.actorId ?? undefined}>{book.person(a.actorId, a.actorType)}</td>
                    <td>{a.allowed}</td>
                    <td>{a.denied}</td>
                    <td>{formatTime(a.firstAt)}</td>
                    <td>{formatTime(a.lastAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </section>
  );
}

function PersonMatter({ preset }: { preset: ReportsPreset }) {
  const [form, setForm] = useState<{ person: PickerOption | null; matter: PickerOption | null; since: string; until: string }>({ person: preset.person ?? null, matter: preset.matter ?? null, since: '', until: '' });
  const [report, setReport] = useState<PersonMatterReport | null>(null);
  const [verified, setVerified] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const missing = error instanceof Error && error.message === 'missing';
  const book = nameBook(report?.names);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setVerified(null);
    try {
      if (!form.person || !form.matter) {
        setError(new Error('missing'));
        return;
      }
      const result = await auditApi.personMatter({ userId: form.person.id, matterId: form.matter.id, since: toMs(form.since) ?? 0, until: toMs(form.until) ?? Date.now() });
      setReport(result);
      const checks = await Promise.all(result.events.map((ev) => verifyInclusionInBrowser(ev.leaf, ev.index, result.checkpoint.size, ev.inclusionProof, result.checkpoint.root)));
      setVerified(checks.every(Boolean) ? `All ${checks.length} event(s) verified in this browser against the signed checkpoint of ${result.checkpoint.size} events.` : 'Some proofs did NOT verify: treat this report as unreliable.');
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="pm-title" className="audit-report">
      <h2 id="pm-title">Did a person access a matter between two dates?</h2>
      <form onSubmit={(e) => void submit(e)}>
        <PersonPicker label="Person" required value={form.person} onChange={(person) => setForm({ ...form, person })} error={queryFieldError(error, 'userId') ?? (missing && !form.person ? 'Choose a person' : null)} />
        <MatterPicker oversight label="Matter" required value={form.matter} onChange={(matter) => setForm({ ...form, matter })} error={queryFieldError(error, 'matterId') ?? (missing && !form.matter ? 'Choose a matter' : null)} />
        <TextField label="From" type="datetime-local" required value={form.since} onChange={(e) => setForm({ ...form, since: e.target.value })} error={queryFieldError(error, 'since')} />
        <TextField label="Until" type="datetime-local" required value={form.until} onChange={(e) => setForm({ ...form, until: e.target.value })} error={queryFieldError(error, 'until')} />
        <Button type="submit">Answer with proofs</Button>
      </form>
      {error !== null && !missing && <ErrorMessage error={error} />}
      {report && (
        <div>
          <p>
            <strong>{report.accessed ? 'Yes' : 'No'}</strong>: <span title={report.userId}>{book.person(report.userId)}</span> {report.accessed ? 'accessed' : 'did not access'} matter{' '}
            <span title={report.matterId}>{book.matter(report.matterId)}</span> in that time. {report.events.length} matching event(s){report.truncated ? ' (first 200 shown)' : ''}.
          </p>
          {verified && <p role="status">{verified}</p>}
          <details>
            <summary>Signed checkpoint cited</summary>
            <pre>{report.checkpoint.note}</pre>
          </details>
          <ul>
            {report.events.map((ev) => (
              <li key={ev.index}>
                #{ev.index} {formatTime(ev.event.at)} {ev.event.action} {ev.event.outcome}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function BreachScopeReport({ preset }: { preset: ReportsPreset }) {
  const [form, setForm] = useState<{ person: PickerOption | null; since: string; until: string }>({ person: preset.person ?? null, since: '', until: '' });
  const [missing, setMissing] = useState(false);
  const run = useMutation({ mutationFn: auditApi.breachScope });
  const { data: scope, error } = run;
  const book = nameBook(scope?.names);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMissing(!form.person);
    if (!form.person) return;
    run.mutate({ actorId: form.person.id, since: toMs(form.since) ?? 0, until: toMs(form.until) ?? Date.now() });
  };
  return (
    <section aria-labelledby="bs-title" className="audit-report">
      <h2 id="bs-title">Breach scope: everything an actor touched</h2>
      <form onSubmit={(e) => void submit(e)}>
        <PersonPicker label="Person" required value={form.person} onChange={(person) => setForm({ ...form, person })} error={queryFieldError(error, 'actorId') ?? (missing && !form.person ? 'Choose a person' : null)} />
        <TextField label="From" type="datetime-local" required value={form.since} onChange={(e) => setForm({ ...form, since: e.target.value })} error={queryFieldError(error, 'since')} />
        <TextField label="Until" type="datetime-local" required value={form.until} onChange={(e) => setForm({ ...form, until: e.target.value })} error={queryFieldError(error, 'until')} />
        <Button type="submit">Show scope</Button>
      </form>
      {error !== null && <ErrorMessage error={error} />}
      {scope && (
        <div>
          <p>
            <span title={scope.actorId}>{book.person(scope.actorId)}</span>: {scope.events} event(s){scope.firstIndex !== null ? `, indexes ${scope.firstIndex}–${scope.lastIndex}` : ''}: {scope.clients.length} client(s), {scope.matters.length} matter(s), {scope.documents.length} document(s).
          </p>
          <details>
            <summary>Clients ({scope.clients.length})</summary>
            <ul>
              {scope.clients.map((id) => (
                <li key={id} title={id}>
                  {book.client(id)}
                </li>
              ))}
            </ul>
          </details>
          <details>
            <summary>Matters ({scope.matters.length})</summary>
            <ul>
              {scope.matters.map((id) => (
                <li key={id} title={id}>
                  {book.matter(id)}
                </li>
              ))}
            </ul>
          </details>
          <details>
            <summary>Documents ({scope.documents.length}): their ids, for the document pages</summary>
            <p className="audit-ids">{scope.documents.join(', ')}</p>
          </details>
        </div>
      )}
    </section>
  );
}
