import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, PersonPicker, Select, TextField, type PickerOption } from '../../components';
import { formatTime, parseLocal } from '../../lib/format';
import { accessApi, MATTER_ROLE_LABELS, type Grant, type MatterRole } from './api';
import { personText } from './labels';
import './access.css';

const ROLE_OPTIONS = (Object.keys(MATTER_ROLE_LABELS) as MatterRole[]).map((value) => ({ value, label: MATTER_ROLE_LABELS[value] }));
const FIELDS = ['body.userId', 'body.role', 'body.expiresAt'];

function grantState(grant: Grant, now: number): string {
  if (grant.revokedAt !== null) return `Ended ${formatTime(grant.revokedAt)}`;
  if (grant.expiresAt !== null && grant.expiresAt <= now) return `Expired ${formatTime(grant.expiresAt)}`;
  return grant.expiresAt === null ? 'Current' : `Current, until ${formatTime(grant.expiresAt)}`;
}

/**
 * Client-wide grants on a client's page: who may open every matter of the client, in which role,
 * until when, granted by whom — current and past. A client-wide lead attorney grants (never to
 * themselves; always with an end date) and ends grants; anyone else is told where access is
 * decided, without learning who holds it.
 */
export function ClientGrantsPanel({ clientId }: { clientId: string }) {
  const grants = useQuery({ queryKey: ['access', 'grants', clientId], queryFn: () => accessApi.grants(clientId), retry: false });
  const action = usePageAction(['access', 'grants', clientId]);
  const [person, setPerson] = useState<PickerOption | null>(null);
  const [role, setRole] = useState<MatterRole>('attorney');
  const [until, setUntil] = useState('');
  const [missing, setMissing] = useState<{ person?: boolean; until?: boolean }>({});
  const [pending, setPending] = useState(false);
  const error = action.error;
  const onField = FIELDS.some((path) => fieldError(error, path));
  const now = Date.now();

  if (grants.error) {
    const refused = grants.error instanceof ApiError && (grants.error.status === 403 || grants.error.status === 404);
    return (
      <section className="vault-panel" aria-labelledby="grants-title">
        <h2 id="grants-title">Client-wide access</h2>
        {refused ? (
          <p>
            Client-wide grants are shown to the client’s lead attorney. To work on one of its matters, ask under <Link to="/access/requests">Access requests</Link>.
          </p>
        ) : (
          <ErrorMessage error={grants.error} />
        )}
      </section>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const expiresAt = parseLocal(until);
    const next = { person: !person, until: expiresAt === null };
    setMissing(next);
    if (!person || expiresAt === null) return;
    action.mutate(async () => {
      const outcome = await accessApi.grant(clientId, { userId: person.id, role, expiresAt });
      setPending('approval' in outcome);
      setPerson(null);
      setUntil('');
    });
  };

  return (
    <section className="vault-panel" aria-labelledby="grants-title">
      <h2 id="grants-title">Client-wide access</h2>
      <p>A grant lets someone open every matter of this client until its end date. Walls still apply. Each matter’s own team is on its Team tab.</p>
      {error !== null && !onField && <ErrorMessage error={error} />}
      {pending && (
        <p role="status">
          The grant waits for a compliance officer’s approval under <Link to="/approvals">Approvals</Link>.
        </p>
      )}
      {grants.data === undefined ? (
        <Loading />
      ) : grants.data.grants.length === 0 ? (
        <p>Nobody holds a client-wide grant.</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Role</th>
                <th scope="col">Granted</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {grants.data.grants.map((grant) => {
                const live = grant.revokedAt === null && (grant.expiresAt === null || grant.expiresAt > now);
                return (
                  <tr key={grant.id}>
                    <td>
                      {personText(grant.name)}
                      {grant.email && <div className="access-detail">{grant.email}</div>}
                    </td>
                    <td>{MATTER_ROLE_LABELS[grant.role]}</td>
                    <td>
                      {formatTime(grant.grantedAt)}
                      {grant.grantedByName && <div className="access-detail">by {grant.grantedByName}</div>}
                    </td>
                    <td>{grantState(grant, now)}</td>
                    <td>
                      {live && (
                        <Button variant="danger" busy={action.isPending} onClick={() => action.mutate(() => accessApi.revokeGrant(grant.id))} aria-label={`End now the grant of ${personText(grant.name)}`}>
                          End now
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <h3>Grant client-wide access</h3>
      <form onSubmit={submit} aria-label="Grant client-wide access" noValidate>
        <PersonPicker
          label="Person"
          value={person}
          onChange={(option) => {
            setPerson(option);
            setMissing({ ...missing, person: false });
          }}
          required
          hint="Type part of their name or e-mail, then choose them. Not yourself."
          error={missing.person ? 'Choose a person from the list.' : fieldError(error, 'body.userId')}
        />
        <Select label="Role" value={role} onChange={(e) => setRole(e.target.value as MatterRole)} options={ROLE_OPTIONS} error={fieldError(error, 'body.role')} />
        <TextField label="Until" type="datetime-local" required value={until} onChange={(e) => setUntil(e.target.value)} hint="A grant always ends." error={missing.until ? 'Give the date the grant ends.' : fieldError(error, 'body.expiresAt')} />
        <Button type="submit" busy={action.isPending}>
          Grant
        </Button>
      </form>
    </section>
  );
}
