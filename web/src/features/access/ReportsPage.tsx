import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Button, ErrorMessage, PageTitle, Select, TextField } from '../../components';
import { formatTime, parseLocal } from '../../lib/format';
import { accessApi, MATTER_ROLE_LABELS } from './api';

/**
 * Who could open a client or matter on a date or over a range, from history that is never
 * overwritten. Who actually did (with checkpoint and proofs) is in the audit reports.
 */
export function ReportsPage() {
  const [targetKind, setTargetKind] = useState<'matter' | 'client'>('matter');
  const [targetId, setTargetId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  // A report is run on demand (not kept in the cache): a mutation holds its answer and error.
  const run = useMutation({ mutationFn: accessApi.couldAccess });
  const { data: report, error } = run;
  const busy = run.isPending;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const start = parseLocal(from) ?? Date.now();
    const end = parseLocal(to) ?? start;
    run.mutate({ [targetKind === 'matter' ? 'matterId' : 'clientId']: targetId.trim(), from: start, to: end });
  };

  return (
    <section>
      <PageTitle>Access reports</PageTitle>
      <p>
        <strong>Who could access</strong> lists every person whose team seat, client grant or emergency access covered the client or matter during the period, less the time a wall screened
        them. For <strong>who did</strong>, and for proof that a screened person never opened the matter, use <Link to="/audit/reports">the audit reports</Link> (they cite a signed checkpoint and
        inclusion proofs).
      </p>
      <form onSubmit={submit} aria-label="Who could access">
        <Select label="About" value={targetKind} onChange={(e) => setTargetKind(e.target.value as 'matter' | 'client')} options={[{ value: 'matter', label: 'A matter' }, { value: 'client', label: 'A client' }]} />
        <TextField label={targetKind === 'matter' ? 'Matter id' : 'Client id'} value={targetId} onChange={(e) => setTargetId(e.target.value)} required />
        <TextField label="On (or from)" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} hint="Empty: now." />
        <TextField label="To (optional)" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} hint="Empty: a single moment." />
        <Button type="submit" busy={busy}>
          Run report
        </Button>
      </form>
      {error !== null && <ErrorMessage error={error} />}
      {report && (
        <>
          <h2>
            {report.people.length} {report.people.length === 1 ? 'person' : 'people'} could access it between {formatTime(report.from)} and {formatTime(report.to)}
          </h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Through</th>
                <th scope="col">Role</th>
                <th scope="col">From</th>
                <th scope="col">Until</th>
              </tr>
            </thead>
            <tbody>
              {report.people.flatMap((person) =>
                person.periods.map((period, i) => (
                  <tr key={`${person.userId}-${i}`}>
                    <td>{person.name ?? person.userId}</td>
                    <td>{period.basis === 'team' ? `team of matter ${period.matterId ?? ''}` : period.basis === 'grant' ? 'client grant' : 'emergency access'}</td>
                    <td>{period.role ? MATTER_ROLE_LABELS[period.role] : '—'}</td>
                    <td>{formatTime(period.from)}</td>
                    <td>{period.until === null ? 'end of period' : formatTime(period.until)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
