import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Button, ErrorMessage, Loading, PageTitle, Select, TextField } from '../../components';
import { identityApi, ROLE_LABELS, type Role, type User } from './api';
import { fieldError } from './AuthFrame';

const ROLE_OPTIONS = (Object.keys(ROLE_LABELS) as Role[]).map((value) => ({ value, label: ROLE_LABELS[value] }));
const STAFF_ROLE_OPTIONS = ROLE_OPTIONS.filter((o) => o.value !== 'client');

/** Administrators: invite people, change roles, set leaving dates, disable and re-enable accounts. */
export function AdminUsersPage() {
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setUsers((await identityApi.users()).users);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const act = (work: () => Promise<unknown>, done: string) => {
    setError(null);
    setNotice(null);
    work().then(
      () => (setNotice(done), void load()),
      (e: unknown) => setError(e),
    );
  };

  if (!users) return error ? <ErrorMessage error={error} /> : <Loading />;
  return (
    <section aria-labelledby="users-title">
      <PageTitle>People</PageTitle>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {error !== null && <ErrorMessage error={error} />}
      <InviteForm onInvited={(message) => (setNotice(message), void load())} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Leaving on</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>
                {u.role === 'client' ? (
                  ROLE_LABELS.client
                ) : (
                  <select aria-label={`Role of ${u.name}`} value={u.role} onChange={(e) => act(() => identityApi.updateUser(u.id, { role: e.target.value as Role }), `${u.name} is now ${ROLE_LABELS[e.target.value as Role]}.`)}>
                    {STAFF_ROLE_OPTIONS.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                )}
              </td>
              <td>{u.status}</td>
              <td>
                <input
                  type="date"
                  aria-label={`Leaving date of ${u.name}`}
                  value={u.leavingOn ? new Date(u.leavingOn).toISOString().slice(0, 10) : ''}
                  onChange={(e) =>
                    act(() => identityApi.updateUser(u.id, { leavingOn: e.target.value ? Date.parse(`${e.target.value}T23:59:59Z`) : null }), e.target.value ? `${u.name} leaves on ${e.target.value}.` : `Leaving date of ${u.name} cleared.`)
                  }
                />
              </td>
              <td>
                {u.status === 'disabled' ? (
                  <Button variant="secondary" onClick={() => act(() => identityApi.enableUser(u.id), `${u.name} can sign in again.`)}>
                    Re-enable
                  </Button>
                ) : (
                  <>
                    <Button variant="secondary" onClick={() => act(() => identityApi.revokeAllUserSessions(u.id), `All sessions of ${u.name} ended.`)}>
                      End sessions
                    </Button>
                    <Button variant="danger" onClick={() => window.confirm(`Disable ${u.name}? Every session and API token ends now.`) && act(() => identityApi.disableUser(u.id), `${u.name} is disabled.`)}>
                      Disable
                    </Button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function InviteForm({ onInvited }: { onInvited: (message: string) => void }) {
  const [form, setForm] = useState<{ email: string; name: string; role: Role; clientId: string }>({ email: '', name: '', role: 'attorney', clientId: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await identityApi.invite({ email: form.email, name: form.name, role: form.role, ...(form.role === 'client' ? { clientId: form.clientId } : {}) });
      onInvited(result.delivered === 'smtp' ? `Invitation sent to ${result.user.email}.` : `Invitation for ${result.user.email} written to the mail outbox folder on the server (no SMTP configured).`);
      setForm({ email: '', name: '', role: form.role, clientId: '' });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate aria-labelledby="invite-title" className="invite-form">
      <h2 id="invite-title">Invite someone</h2>
      {error !== null && !fieldError(error, 'body.email') && <ErrorMessage error={error} />}
      <TextField label="Name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} error={fieldError(error, 'body.name')} />
      <TextField label="Email" type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} error={fieldError(error, 'body.email')} />
      <Select label="Role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })} options={ROLE_OPTIONS} />
      {form.role === 'client' && <TextField label="Client id" required value={form.clientId} onChange={(e) => setForm({ ...form, clientId: e.target.value })} error={fieldError(error, 'body.clientId')} />}
      <Button type="submit" busy={busy}>
        Send invitation
      </Button>
    </form>
  );
}
