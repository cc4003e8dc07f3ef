import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, PageTitle, Select, TextField } from '../../components';
import { formatTime, parseLocal } from '../../lib/format';
import { accessApi, MATTER_ROLE_LABELS, type MatterRole } from './api';

const ROLE_OPTIONS = (Object.keys(MATTER_ROLE_LABELS) as MatterRole[]).map((value) => ({ value, label: MATTER_ROLE_LABELS[value] }));

/** A matter's team: who works on it and in which role. The lead attorney adds, changes and removes people. */
export function MatterTeamPage() {
  const { matterId = '' } = useParams();
  const { data, error: loadError } = useQuery({ queryKey: ['access', 'team', matterId], queryFn: () => accessApi.team(matterId) });
  const action = usePageAction(['access', 'team', matterId]);
  const error = action.error ?? loadError;
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<MatterRole>('attorney');
  const [until, setUntil] = useState('');
  const busy = action.isPending;

  const add = (event: FormEvent) => {
    event.preventDefault();
    action.mutate(() => accessApi.setMember(matterId, userId.trim(), role, parseLocal(until)));
  };

  return (
    <section>
      <PageTitle>Matter team</PageTitle>
      <p>Only people on the team (or holding a grant on the client) can open the matter. Walls override the team.</p>
      {error !== null && <ErrorMessage error={error} />}
      {data === undefined ? (
        !error && <Loading />
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Role</th>
              <th scope="col">Since</th>
              <th scope="col">Until</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.members.map((member) => (
              <tr key={member.userId}>
                <td>{member.name ?? member.userId}</td>
                <td>{MATTER_ROLE_LABELS[member.role]}</td>
                <td>{formatTime(member.addedAt)}</td>
                <td>{formatTime(member.expiresAt)}</td>
                <td>
                  <Button variant="danger" busy={busy} onClick={() => action.mutate(() => accessApi.removeMember(matterId, member.userId))} aria-label={`Remove ${member.name ?? member.userId}`}>
                    Remove
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Add someone or change a role</h2>
      <form onSubmit={add} aria-label="Add to team">
        <TextField label="User id" value={userId} onChange={(e) => setUserId(e.target.value)} required />
        <Select label="Role" value={role} onChange={(e) => setRole(e.target.value as MatterRole)} options={ROLE_OPTIONS} />
        <TextField label="Until (optional)" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} hint="Leave empty for no end date." />
        <Button type="submit" busy={busy}>
          Save
        </Button>
      </form>
    </section>
  );
}
