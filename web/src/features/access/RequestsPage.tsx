import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, Select, TextField } from '../../components';
import { formatTime, parseLocal } from '../../lib/format';
import { accessApi, MATTER_ROLE_LABELS, type AccessRequest, type MatterRole } from './api';
import { matterText, personText } from './labels';
import { MatterLinkField } from './MatterLinkField';
import './access.css';

const ROLE_OPTIONS = (['attorney', 'paralegal', 'assistant'] as MatterRole[]).map((value) => ({ value, label: MATTER_ROLE_LABELS[value] }));
const FIELDS = ['body.matterId', 'body.role', 'body.reason', 'body.expiresAt'];

const STATUS: Record<AccessRequest['status'], string> = { pending: 'Waiting for the lead attorney', approved: 'Approved', refused: 'Refused' };

/**
 * Ask to join a matter with a reason (opened from a matter you cannot open, the form starts on
 * it); as a lead attorney, approve (optionally until a date) or refuse. Your own pending requests
 * do not name their matter: the answer is the same whether it exists or not.
 */
export function RequestsPage() {
  const [params] = useSearchParams();
  const linkedMatterId = params.get('matterId');
  const mine = useQuery({ queryKey: ['access', 'requests', 'mine'], queryFn: () => accessApi.requests(false) });
  const toDecide = useQuery({ queryKey: ['access', 'requests', 'to-decide'], queryFn: () => accessApi.requests(true) });
  const [matterId, setMatterId] = useState<string | null>(linkedMatterId);
  const [missingMatter, setMissingMatter] = useState(false);
  const [role, setRole] = useState<MatterRole>('paralegal');
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState<Record<string, string>>({});
  const [sent, setSent] = useState(false);
  const ask = usePageAction(['access', 'requests']);
  const decide = usePageAction(['access', 'requests']);
  const busy = ask.isPending || decide.isPending;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSent(false);
    if (!matterId) {
      setMissingMatter(true);
      return;
    }
    setMissingMatter(false);
    ask.mutate(async () => {
      await accessApi.createRequest({ matterId, role, reason });
      setReason('');
      setSent(true);
    });
  };

  const onField = FIELDS.some((path) => fieldError(ask.error, path));

  return (
    <section>
      <PageTitle>Access requests</PageTitle>
      <h2>Ask to join a matter</h2>
      <form onSubmit={submit} aria-label="Ask for access" noValidate>
        <MatterLinkField linkedMatterId={linkedMatterId} onChange={setMatterId} error={missingMatter ? 'Paste the link to the matter.' : fieldError(ask.error, 'body.matterId')} />
        <Select label="Role" value={role} onChange={(e) => setRole(e.target.value as MatterRole)} options={ROLE_OPTIONS} error={fieldError(ask.error, 'body.role')} />
        <TextField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} required minLength={10} hint="The lead attorney reads this. At least 10 characters." error={fieldError(ask.error, 'body.reason')} />
        {ask.error !== null && !onField && <ErrorMessage error={ask.error} />}
        <Button type="submit" busy={busy}>
          Send request
        </Button>
        {sent && <p role="status">Request sent. The lead attorney decides; you will see the answer below.</p>}
      </form>
      <h2>Waiting for your decision</h2>
      {toDecide.error !== null && <ErrorMessage error={toDecide.error} />}
      {decide.error !== null && <ErrorMessage error={decide.error} />}
      {toDecide.data === undefined ? (
        toDecide.error === null && <Loading />
      ) : toDecide.data.requests.length === 0 ? (
        <p>Nothing to decide — when someone asks to join a matter you lead, the request appears here.</p>
      ) : (
        <ul className="approval-list" aria-label="Waiting for your decision">
          {toDecide.data.requests.map((r) => (
            <li key={r.id} className="approval">
              <p className="approval-what">
                {personText(r.name)} asks to join {matterText(r.matter)} as {MATTER_ROLE_LABELS[r.role].toLowerCase()}
              </p>
              <p className="approval-meta">Asked {formatTime(r.requestedAt)}</p>
              <blockquote className="wall-memo">{r.reason}</blockquote>
              <TextField label="Access until (optional)" type="datetime-local" value={until[r.id] ?? ''} onChange={(e) => setUntil({ ...until, [r.id]: e.target.value })} hint="Leave empty for no end date." />
              <div className="approval-actions">
                <Button busy={busy} onClick={() => decide.mutate(() => accessApi.decide(r.id, 'approve', parseLocal(until[r.id] ?? '')))} aria-label={`Approve ${personText(r.name)}`}>
                  Approve
                </Button>
                <Button variant="danger" busy={busy} onClick={() => decide.mutate(() => accessApi.decide(r.id, 'refuse', null))} aria-label={`Refuse ${personText(r.name)}`}>
                  Refuse
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <h2>Your requests</h2>
      {mine.error !== null && <ErrorMessage error={mine.error} />}
      {mine.data === undefined ? (
        mine.error === null && <Loading />
      ) : mine.data.requests.length === 0 ? (
        <p>You have not asked for access. From a matter you cannot open, choose “Ask to join”.</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Matter</th>
                <th scope="col">Role</th>
                <th scope="col">Reason</th>
                <th scope="col">Asked</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {mine.data.requests.map((r) => (
                <tr key={r.id}>
                  <td>{matterText(r.matter, 'Named once decided')}</td>
                  <td>{MATTER_ROLE_LABELS[r.role]}</td>
                  <td>{r.reason}</td>
                  <td>{formatTime(r.requestedAt)}</td>
                  <td>
                    {STATUS[r.status]}
                    {r.decidedByName && ` by ${r.decidedByName}`}
                    {r.expiresAt ? ` until ${formatTime(r.expiresAt)}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
