import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, PageTitle, Select, TextField } from '../../components';
import { formatTime, parseLocal } from '../../lib/format';
import { accessApi, MATTER_ROLE_LABELS, type AccessRequest, type MatterRole } from './api';

const ROLE_OPTIONS = (['attorney', 'paralegal', 'assistant'] as MatterRole[]).map((value) => ({ value, label: MATTER_ROLE_LABELS[value] }));

/** Ask to join a matter with a reason; as a lead attorney, approve (optionally until a date) or refuse. */
export function RequestsPage() {
  const mine = useQuery({ queryKey: ['access', 'requests', 'mine'], queryFn: () => accessApi.requests(false) });
  const toDecide = useQuery({ queryKey: ['access', 'requests', 'to-decide'], queryFn: () => accessApi.requests(true) });
  const [matterId, setMatterId] = useState('');
  const [role, setRole] = useState<MatterRole>('paralegal');
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState<Record<string, string>>({});
  const action = usePageAction(['access', 'requests']);
  const { error } = action;
  const busy = action.isPending;

  const ask = (event: FormEvent) => {
    event.preventDefault();
    action.mutate(async () => {
      await accessApi.createRequest({ matterId: matterId.trim(), role, reason });
      setReason('');
    });
  };

  const table = (rows: AccessRequest[], decide: boolean) => (
    <table>
      <thead>
        <tr>
          <th scope="col">Matter</th>
          {decide && <th scope="col">Who</th>}
          <th scope="col">Role</th>
          <th scope="col">Reason</th>
          <th scope="col">Asked</th>
          <th scope="col">Status</th>
          {decide && <th scope="col">Decision</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td>{r.matterId}</td>
            {decide && <td>{r.name ?? r.userId}</td>}
            <td>{MATTER_ROLE_LABELS[r.role]}</td>
            <td>{r.reason}</td>
            <td>{formatTime(r.requestedAt)}</td>
            <td>
              {r.status}
              {r.expiresAt ? ` until ${formatTime(r.expiresAt)}` : ''}
            </td>
            {decide && (
              <td>
                <TextField label="Access until (optional)" type="datetime-local" value={until[r.id] ?? ''} onChange={(e) => setUntil({ ...until, [r.id]: e.target.value })} />
                <Button busy={busy} onClick={() => action.mutate(() => accessApi.decide(r.id, 'approve', parseLocal(until[r.id] ?? '')))}>
                  Approve
                </Button>{' '}
                <Button variant="danger" busy={busy} onClick={() => action.mutate(() => accessApi.decide(r.id, 'refuse', null))}>
                  Refuse
                </Button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <section>
      <PageTitle>Access requests</PageTitle>
      {error !== null && <ErrorMessage error={error} />}
      <h2>Ask to join a matter</h2>
      <form onSubmit={ask} aria-label="Ask for access">
        <TextField label="Matter id" value={matterId} onChange={(e) => setMatterId(e.target.value)} required />
        <Select label="Role" value={role} onChange={(e) => setRole(e.target.value as MatterRole)} options={ROLE_OPTIONS} />
        <TextField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} required minLength={10} hint="The lead attorney reads this. At least 10 characters." />
        <Button type="submit" busy={busy}>
          Send request
        </Button>
      </form>
      <h2>Waiting for your decision</h2>
      {toDecide.error !== null && <ErrorMessage error={toDecide.error} />}
      {toDecide.data === undefined ? <Loading /> : toDecide.data.requests.length === 0 ? <p>Nothing to decide.</p> : table(toDecide.data.requests, true)}
      <h2>Your requests</h2>
      {mine.error !== null && <ErrorMessage error={mine.error} />}
      {mine.data === undefined ? <Loading /> : mine.data.requests.length === 0 ? <p>You have not asked for access.</p> : table(mine.data.requests, false)}
    </section>
  );
}
