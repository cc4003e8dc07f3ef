import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, PersonPicker, Select, TextField, type PickerOption } from '../../components';
import { formatTime, parseLocal } from '../../lib/format';
import { accessApi, MATTER_ROLE_LABELS, type MatterRole } from './api';
import { personText } from './labels';
import './access.css';

const ROLE_OPTIONS = (Object.keys(MATTER_ROLE_LABELS) as MatterRole[]).map((value) => ({ value, label: MATTER_ROLE_LABELS[value] }));
/** The fields a 400 can name here, shown next to their control rather than above the form. */
const FIELDS = ['params.userId', 'body.role', 'body.expiresAt'];

/** A matter's team: who works on it and in which role. The lead attorney adds people by name, changes and removes them. */
export function MatterTeamPage() {
  const { matterId = '' } = useParams();
  const { data, error: loadError } = useQuery({ queryKey: ['access', 'team', matterId], queryFn: () => accessApi.team(matterId) });
  const action = usePageAction(['access', 'team', matterId]);
  const [person, setPerson] = useState<PickerOption | null>(null);
  const [role, setRole] = useState<MatterRole>('attorney');
  const [until, setUntil] = useState('');
  const [missingPerson, setMissingPerson] = useState(false);
  const busy = action.isPending;
  const error = action.error;
  const onField = FIELDS.some((path) => fieldError(error, path));

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!person) {
      setMissingPerson(true);
      return;
    }
    setMissingPerson(false);
    action.mutate(async () => {
      await accessApi.setMember(matterId, person.id, role, parseLocal(until));
      setPerson(null);
      setUntil('');
    });
  };

  return (
    <section>
      <PageTitle>Matter team</PageTitle>
      <p>
        Only people on the team (or holding a grant on the client) can open the matter. Walls override the team. <Link to={`/matters/${matterId}`}>Back to the matter</Link>
      </p>
      {loadError !== null && <ErrorMessage error={loadError} />}
      {error !== null && !onField && <ErrorMessage error={error} />}
      {data === undefined ? (
        !loadError && <Loading />
      ) : data.members.length === 0 ? (
        <p>Nobody is on this matter’s team yet — the lead attorney adds the people who need it.</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
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
                  <td>
                    {personText(member.name)}
                    {member.email && <div className="access-detail">{member.email}</div>}
                  </td>
                  <td>{MATTER_ROLE_LABELS[member.role]}</td>
                  <td>{formatTime(member.addedAt)}</td>
                  <td>{member.expiresAt === null ? 'No end date' : formatTime(member.expiresAt)}</td>
                  <td>
                    <Button variant="danger" busy={busy} onClick={() => action.mutate(() => accessApi.removeMember(matterId, member.userId))} aria-label={`Remove ${personText(member.name)}`}>
                      Remove
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Add someone or change a role</h2>
      <form onSubmit={add} aria-label="Add to team" noValidate>
        <PersonPicker
          label="Person"
          value={person}
          onChange={(option) => {
            setPerson(option);
            setMissingPerson(false);
          }}
          required
          hint="Type part of their name or e-mail, then choose them."
          error={missingPerson ? 'Choose a person from the list.' : fieldError(error, 'params.userId')}
        />
        <Select label="Role" value={role} onChange={(e) => setRole(e.target.value as MatterRole)} options={ROLE_OPTIONS} error={fieldError(error, 'body.role')} />
        <TextField label="Until (optional)" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} hint="Leave empty for no end date." error={fieldError(error, 'body.expiresAt')} />
        <Button type="submit" busy={busy}>
          Save
        </Button>
      </form>
    </section>
  );
}
