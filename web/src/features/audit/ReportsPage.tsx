import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, ErrorMessage, PageTitle, TextField } from '../../components';
import { formatTime } from '../../lib/format';
import { auditApi, type PersonMatterReport } from './api';
import { queryFieldError, toMs } from './AuditExplorerPage';
import { verifyInclusionInBrowser } from './verify';

/** Reports: who accessed X; did P access M between dates (with proofs); breach scope. */
export function ReportsPage() {
  return (
    <section aria-labelledby="reports-title">
      <PageTitle>Audit reports</PageTitle>
      <WhoAccessed />
      <PersonMatter />
      <BreachScopeReport />
    </section>
  );
}

function WhoAccessed() {
  const [form, setForm] = useState({ clientId: '', matterId: '', documentId: '' });
  const run = useMutation({ mutationFn: auditApi.access });
  const { error } = run;
  const result = run.data?.actors;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run.mutate({ clientId: form.clientId || undefined, matterId: form.matterId || undefined, documentId: form.documentId || undefined });
  };
  return (
    <section aria-labelledby="who-title" className="audit-report">
      <h2 id="who-title">Who accessed a client, matter or document</h2>
      <form onSubmit={(e) => void submit(e)}>
        <TextField label="Client id" value={form.clientId} onChange={(e) => setForm({ ...form, clientId: e.target.value })} error={queryFieldError(error, 'clientId')} />
        <TextField label="Matter id" value={form.matterId} onChange={(e) => setForm({ ...form, matterId: e.target.value })} error={queryFieldError(error, 'matterId')} />
        <TextField label="Document id" value={form.documentId} onChange={(e) => setForm({ ...form, documentId: e.target.value })} error={queryFieldError(error, 'documentId')} />
        <Button type="submit">Show who accessed</Button>
      </form>
      {error !== null && <ErrorMessage error={error} />}
      {result &&
        (result.length === 0 ? (
          <p>Nobody accessed it.</p>
        ) : (
          <table className="audit-table">
            <thead>
              <tr>
                <th scope="col">Actor</th>
                <th scope="col">Allowed</th>
                <th scope="col">Denied</th>
                <th scope="col">First</th>
                <th scope="col">Last</th>
              </tr>
            </thead>
            <tbody>
              {result.map((a) => (
                <tr key={`${a.actorType}:${a.actorId ?? ''}`}>
                  <td>{a.actorId ?? a.actorType}</td>
                  <td>{a.allowed}</td>
                  <td>{a.denied}</td>
                  <td>{formatTime(a.firstAt)}</td>
                  <td>{formatTime(a.lastAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

function PersonMatter() {
  const [form, setForm] = useState({ userId: '', matterId: '', since: '', until: '' });
  const [report, setReport] = useState<PersonMatterReport | null>(null);
  const [verified, setVerified] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setVerified(null);
    try {
      const result = await auditApi.personMatter({ userId: form.userId, matterId: form.matterId, since: toMs(form.since) ?? 0, until: toMs(form.until) ?? Date.now() });
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
        <TextField label="Person (user id)" required value={form.userId} onChange={(e) => setForm({ ...form, userId: e.target.value })} error={queryFieldError(error, 'userId')} />
        <TextField label="Matter id" required value={form.matterId} onChange={(e) => setForm({ ...form, matterId: e.target.value })} error={queryFieldError(error, 'matterId')} />
        <TextField label="From" type="datetime-local" required value={form.since} onChange={(e) => setForm({ ...form, since: e.target.value })} error={queryFieldError(error, 'since')} />
        <TextField label="Until" type="datetime-local" required value={form.until} onChange={(e) => setForm({ ...form, until: e.target.value })} error={queryFieldError(error, 'until')} />
        <Button type="submit">Answer with proofs</Button>
      </form>
      {error !== null && <ErrorMessage error={error} />}
      {report && (
        <div>
          <p>
            <strong>{report.accessed ? 'Yes' : 'No'}</strong>: {report.events.length} matching event(s){report.truncated ? ' (first 200 shown)' : ''}.
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

function BreachScopeReport() {
  const [form, setForm] = useState({ actorId: '', since: '', until: '' });
  const run = useMutation({ mutationFn: auditApi.breachScope });
  const { data: scope, error } = run;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run.mutate({ actorId: form.actorId, since: toMs(form.since) ?? 0, until: toMs(form.until) ?? Date.now() });
  };
  return (
    <section aria-labelledby="bs-title" className="audit-report">
      <h2 id="bs-title">Breach scope: everything an actor touched</h2>
      <form onSubmit={(e) => void submit(e)}>
        <TextField label="Actor id" required value={form.actorId} onChange={(e) => setForm({ ...form, actorId: e.target.value })} error={queryFieldError(error, 'actorId')} />
        <TextField label="From" type="datetime-local" required value={form.since} onChange={(e) => setForm({ ...form, since: e.target.value })} error={queryFieldError(error, 'since')} />
        <TextField label="Until" type="datetime-local" required value={form.until} onChange={(e) => setForm({ ...form, until: e.target.value })} error={queryFieldError(error, 'until')} />
        <Button type="submit">Show scope</Button>
      </form>
      {error !== null && <ErrorMessage error={error} />}
      {scope && (
        <div>
          <p>
            {scope.events} event(s){scope.firstIndex !== null ? `, indexes ${scope.firstIndex}–${scope.lastIndex}` : ''}: {scope.clients.length} client(s), {scope.matters.length} matter(s), {scope.documents.length} document(s).
          </p>
          <details>
            <summary>Clients ({scope.clients.length})</summary>
            <p>{scope.clients.join(', ')}</p>
          </details>
          <details>
            <summary>Matters ({scope.matters.length})</summary>
            <p>{scope.matters.join(', ')}</p>
          </details>
          <details>
            <summary>Documents ({scope.documents.length})</summary>
            <p>{scope.documents.join(', ')}</p>
          </details>
        </div>
      )}
    </section>
  );
}
