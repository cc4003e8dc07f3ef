import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { Button, ClientPicker, ErrorMessage, fieldError, Loading, PageTitle, Select, TextField, type PickerOption } from '../../components';
import { formatTime } from '../../lib/format';
import { identityApi, isPendingApproval, ROLE_LABELS, type Role, type User } from './api';

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

type Badge = 'pending' | 'active' | 'leaving' | 'disabled';
const BADGE_LABELS: Record<Badge, string> = { pending: 'Invitation pending', active: 'Active', leaving: 'Leaving', disabled: 'Disabled' };

/** Pending until the invitation is accepted; then active, leaving (a date is set) or disabled. */
export function badgeOf(user: Pick<User, 'status' | 'invitationPending'>): Badge {
  return user.status !== 'disabled' && user.invitationPending ? 'pending' : user.status;
}

function StatusBadge({ user }: { user: User }) {
  const badge = badgeOf(user);
  return (
    <span className={`badge badge-${badge}`} data-testid="status-badge">
      {BADGE_LABELS[badge]}
      {badge === 'leaving' && user.leavingOn ? ` ${formatTime(user.leavingOn)}` : ''}
    </span>
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
    // The work may set its own notice (it knows where the mail went); `done` is said otherwise.
    work().then(
      (result) => (done || waiting ? setNotice(waiting && result && isPendingApproval(result) ? <WaitingForApproval what={waiting} /> : done) : undefined, void load()),
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
      <h2>Accounts</h2>
      {users.length === 0 && <p data-testid="people-empty">Nobody has an account yet. Invite the people of your firm with the form above.</p>}
      {/* The table scrolls on its own on a narrow screen, so the page never does (relative: so its visually hidden header stays inside too). */}
      <div className="table-scroll" style={{ position: 'relative' }} hidden={users.length === 0}>
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
                <td>
                  <StatusBadge user={u} />
                </td>
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
                  <div className="people-actions">
                    {u.status === 'disabled' ? (
                      <Button variant="secondary" onClick={() => act(() => identityApi.enableUser(u.id), `${u.name} can sign in again.`)}>
                        Re-enable
                      </Button>
                    ) : (
                      <>
                        {u.invitationPending && (
                          <Button
                            variant="secondary"
                            aria-label={`Resend invitation to ${u.name}`}
                            onClick={() =>
                              act(
                                async () => {
                                  const result = await identityApi.resendInvitation(u.id);
                                  setNotice(result.delivered === 'smtp' ? `A new invitation was sent to ${u.email}; the earlier link no longer works.` : `A new invitation for ${u.email} was written to the mail outbox folder on the server; the earlier link no longer works.`);
                                  return undefined;
                                },
                                '',
                              )
                            }
                          >
                            Resend invitation
                          </Button>
                        )}
                        <Button variant="secondary" onClick={() => act(() => identityApi.revokeAllUserSessions(u.id), `All sessions of ${u.name} ended.`)}>
                          End sessions
                        </Button>
                        {!u.invitationPending && (
                          <Button
                            variant="secondary"
                            aria-label={`Reset second factor of ${u.name}`}
                            onClick={() =>
                              window.confirm(`Reset the second factor of ${u.name}? Their authenticator app, passkeys and recovery codes stop working and their sessions end; they set up a new one at their next sign-in.`) &&
                              act(() => identityApi.resetSecondFactor(u.id), `The second factor of ${u.name} was reset; they set up a new one at their next sign-in.`, `Resetting ${u.name}’s second factor`)
                            }
                          >
                            Reset second factor
                          </Button>
                        )}
                        <Button variant="danger" onClick={() => window.confirm(`Disable ${u.name}? Every session and API token ends now.`) && act(() => identityApi.disableUser(u.id), `${u.name} is disabled.`)}>
                          Disable
                        </Button>
                      </>
                    )}
                  </div>
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
  const [form, setForm] = useState<{ email: string; name: string; role: Role; client: PickerOption | null }>({ email: '', name: '', role: 'attorney', client: null });
  const invite = useMutation({ mutationFn: identityApi.invite });
  const { error, isPending: busy } = invite;
  function submit(event: FormEvent) {
    event.preventDefault();
    const body = { email: form.email, name: form.name, role: form.role, ...(form.role === 'client' && form.client ? { clientId: form.client.id } : {}) };
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
        setForm({ email: '', name: '', role: form.role, client: null });
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
      {form.role === 'client' && <ClientPicker label="Client" required value={form.client} onChange={(client) => setForm({ ...form, client })} hint="The client whose portal this person uses" error={fieldError(error, 'body.clientId')} />}
      <Button type="submit" busy={busy}>
        Send invitation
      </Button>
    </form>
  );
}
