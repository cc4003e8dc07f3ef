import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Button, ClientPicker, ErrorMessage, fieldError, MatterPicker, PageTitle, Select, TextField, type PickerOption } from '../../components';
import { formatTime, parseLocal } from '../../lib/format';
import { accessApi, MATTER_ROLE_LABELS } from './api';
import { clientText, matterText, personText } from './labels';
import './access.css';

const FIELDS = ['querystring.matterId', 'querystring.clientId', 'querystring.at', 'querystring.from', 'querystring.to'];

/**
 * Who could open a client or matter on a date or over a range, from history that is never
 * overwritten. Who actually did (with checkpoint and proofs) is in the audit reports. Opened
 * with `?matterId=` or `?clientId=` (from a wall, say), the form starts on that matter or client.
 */
export function ReportsPage() {
  const [params] = useSearchParams();
  const linkedMatter = params.get('matterId');
  const linkedClient = params.get('clientId');
  const [targetKind, setTargetKind] = useState<'matter' | 'client'>(linkedClient && !linkedMatter ? 'client' : 'matter');
  const [target, setTarget] = useState<PickerOption | null>(null);
  const [missingTarget, setMissingTarget] = useState(false);
  const linked = useQuery({
    queryKey: ['access', 'wall-target', linkedMatter, linkedClient],
    queryFn: () => accessApi.wallTarget(linkedMatter ? { matterId: linkedMatter } : { clientId: linkedClient ?? '' }),
    enabled: Boolean(linkedMatter ?? linkedClient),
  });
  useEffect(() => {
    const found = linked.data;
    if (found?.matter) setTarget({ id: found.matter.id, label: matterText(found.matter) });
    else if (found?.client) setTarget({ id: found.client.id, label: clientText(found.client) });
  }, [linked.data]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  // A report is run on demand (not kept in the cache): a mutation holds its answer and error.
  const run = useMutation({ mutationFn: accessApi.couldAccess });
  const { data: report, error } = run;
  const busy = run.isPending;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!target) {
      setMissingTarget(true);
      return;
    }
    setMissingTarget(false);
    const start = parseLocal(from) ?? Date.now();
    const end = parseLocal(to) ?? start;
    run.mutate({ [targetKind === 'matter' ? 'matterId' : 'clientId']: target.id, from: start, to: end });
  };

  return (
    <section>
      <PageTitle>Access reports</PageTitle>
      <p>
        <strong>Who could access</strong> lists every person whose team seat, client grant or emergency access covered the client or matter during the period, less the time a wall screened
        them. For <strong>who did</strong>, and for proof that a screened person never opened the matter, use <Link to="/audit/reports">the audit reports</Link> (they cite a signed checkpoint and
        inclusion proofs).
      </p>
      <form onSubmit={submit} aria-label="Who could access" noValidate>
        <Select
          label="About"
          value={targetKind}
          onChange={(e) => {
            setTargetKind(e.target.value as 'matter' | 'client');
            setTarget(null);
          }}
          options={[
            { value: 'matter', label: 'A matter' },
            { value: 'client', label: 'A client' },
          ]}
        />
        {linked.error !== null && <ErrorMessage error={linked.error} title="The linked matter or client was not found" />}
        {targetKind === 'matter' ? (
          <MatterPicker oversight label="Matter" value={target} onChange={setTarget} required hint="Type its number or title; from a wall’s page the matter is filled in." error={missingTarget ? 'Choose the matter from the list.' : fieldError(error, 'querystring.matterId')} />
        ) : (
          <ClientPicker label="Client" value={target} onChange={setTarget} required hint="Type the client’s name; from a wall’s page the client is filled in." error={missingTarget ? 'Choose the client from the list.' : fieldError(error, 'querystring.clientId')} />
        )}
        <TextField label="On (or from)" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} hint="Empty: now." error={fieldError(error, 'querystring.from') ?? fieldError(error, 'querystring.at')} />
        <TextField label="To (optional)" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} hint="Empty: a single moment." error={fieldError(error, 'querystring.to')} />
        <Button type="submit" busy={busy}>
          Run report
        </Button>
      </form>
      {error !== null && !FIELDS.some((path) => fieldError(error, path)) && <ErrorMessage error={error} />}
      {report && (
        <>
          <h2>
            {report.people.length} {report.people.length === 1 ? 'person' : 'people'} could access {report.matterId ? `matter ${matterText(report.matter)}` : clientText(report.client)} between {formatTime(report.from)} and {formatTime(report.to)}
          </h2>
          {report.people.length === 0 ? (
            <p>Nobody held a team seat, a client grant or emergency access there in that period.</p>
          ) : (
          <div className="table-scroll" tabIndex={0}>
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
                    <td>{personText(person.name)}</td>
                    <td>{period.basis === 'team' ? `team of matter ${period.matterNumber ?? ''}` : period.basis === 'grant' ? 'client grant' : 'emergency access'}</td>
                    <td>{period.role ? MATTER_ROLE_LABELS[period.role] : '—'}</td>
                    <td>{formatTime(period.from)}</td>
                    <td>{period.until === null ? 'end of period' : formatTime(period.until)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
          </div>
          )}
        </>
      )}
    </section>
  );
}
