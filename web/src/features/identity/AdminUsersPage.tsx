import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, Select, TextField } from '../../components';
import { identityApi, isPendingApproval, ROLE_LABELS, type Role } from './api';

const ROLE_OPTIONS = (Object.keys(ROLE_LABELS) as Role[]).map((value) => ({ value, label: ROLE_LABELS[value] }));
const STAFF_ROLE_OPTIONS = ROLE_OPTIONS.filter((o) => o.value !== 'client');

/** Said when a change (an invitation, a role) is filed for the two-person rule instead of made now. */
function WaitingForApproval({ what }: { what: string }) {
  return (
    <>
      {what} is waiting for a second person’s approval — another administrator or a compliance officer approves it under <Link to="/access/approvals">Approvals</Link>.
    </>
  );
}

/** Plain words for the refusals of the two-person rule; other errors keep the default title. */
function errorTitle(error: unknown): string | undefined {
  if (error instanceof ApiError && error.code === 'SEPARATION_OF_DUTIES') return 'You cannot make this change yourself (your own role, for example): another administrator must.';
  return undefined;
}

/** Administrators: invite people, change roles, set leaving dates, disable and re-enable accounts. */
export function AdminUsersPage() {
  const list = useQuery({ queryKey: ['identity', 'users'], queryFn: identityApi.users });
  const users = list.data?.users;
  const [actionError, setError] = useState<unknown>(null);
  const error = actionError ?? list.error;
  const [notice, setNotice] = useState<ReactNode>(null);
  const load = () => list.refetch();

  /** `waiting` is what to say when the server filed the change for approval (202) instead. */
  const act = (work: () => Promise<object | undefined>, done: string, waiting?: string) => {
    setError(null);
    setNotice(null);
    work().then(
      (result) => (setNotice(waiting && result && isPendingApproval(result) ? <WaitingForApproval what={waiting} /> : done), void load()),
      (e: unknown) => setError(e),
    );
  };

  if (!users) return error ? <ErrorMessage error={error} /> : <Loading />;
  return (
    <section aria-labelledby="users-title">
      <PageTitle>People</PageTitle>
      {notice !== null && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      {error !== null && <ErrorMessage error={error} title={errorTitle(error)} />}
      <InviteForm onInvited={(message) => (setNotice(message), void load())} />
      {/* The table scrolls on its own on a narrow screen, so the page never does (relative: so its visually hidden header stays inside too). */}
      <div style={{ overflowX: 'auto', position: 'relative' }}>
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
                    <select
                      aria-label={`Role of ${u.name}`}
                      value={u.role}
                      onChange={(e) =>
                        act(
                          () => identityApi.updateUser(u.id, { role: e.target.value as Role }),
                          `${u.name} is now ${ROLE_LABELS[e.target.value as Role]}.`,
                          `Changing ${u.name}’s role to ${ROLE_LABELS[e.target.value as Role].toLowerCase()}`,
                        )
                      }
                    >
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
                      act(
                        () => identityApi.updateUser(u.id, { leavingOn: e.target.value ? Date.parse(`${e.target.value}T23:59:59Z`) : null }),
                        e.target.value ? `${u.name} leaves on ${e.target.value}.` : `Leaving date of ${u.name} cleared.`,
                      )
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
      </div>
    </section>
  );
}

function InviteForm({ onInvited }: { onInvited: (message: ReactNode) => void }) {
  const [form, setForm] = useState<{ email: string; name: string; role: Role; clientId: string }>({ email: '', name: '', role: 'attorney', clientId: '' });
  const invite = useMutation({ mutationFn: identityApi.invite });
  const { error, isPending: busy } = invite;
  function submit(event: FormEvent) {
    event.preventDefault();
    const body = { email: form.email, name: form.name, role: form.role, ...(form.role === 'client' ? { clientId: form.clientId } : {}) };
    invite.mutate(body, {
      onSuccess: (result) => {
        onInvited(
          isPendingApproval(result) ? (
            <WaitingForApproval what={`The invitation for ${form.email.trim()}`} />
          ) : result.delivered === 'smtp' ? (
            `Invitation sent to ${result.user.email}.`
          ) : (
            `Invitation for ${result.user.email} written to the mail outbox folder on the server (no SMTP configured).`
          ),
        );
        setForm({ email: '', name: '', role: form.role, clientId: '' });
      },
    });
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
