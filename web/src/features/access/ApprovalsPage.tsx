import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { Button, ErrorMessage, Loading, PageTitle } from '../../components';
import { formatTime } from '../../lib/format';
import { ROLE_LABELS, type Role } from '../identity/api';
import { accessApi, MATTER_ROLE_LABELS, type Approval, type MatterRole } from './api';
import { matterText } from './labels';
import './access.css';

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

function firmRole(value: unknown): string {
  const role = text(value);
  return role && role in ROLE_LABELS ? ROLE_LABELS[role as Role].toLowerCase() : (role ?? 'an unknown role');
}

function matterRole(value: unknown): string {
  const role = text(value);
  return role && role in MATTER_ROLE_LABELS ? MATTER_ROLE_LABELS[role as MatterRole].toLowerCase() : (role ?? 'unknown');
}

/** A client named as the viewer may see it: its name, or a plain phrase when it is withheld. */
function clientInWords(a: Approval): string {
  return a.client?.name ? `client ${a.client.name}` : 'a client (its name is not shown to you; ask the requester)';
}

/** The change an approval makes, in plain words (names from the server, never a bare id). */
export function describeApproval(a: Approval): string {
  const p = a.payload;
  const subject = a.subjectName ?? text(p.name) ?? 'someone';
  switch (a.kind) {
    case 'identity.invite': {
      const name = text(p.name) ?? 'someone';
      const email = text(p.email);
      return `Invite ${name}${email ? ` (${email})` : ''} as ${firmRole(p.role)}${text(p.clientId) ? ` of ${clientInWords(a)}` : ''}`;
    }
    case 'identity.role':
      return `Change ${subject}’s role to ${firmRole(p.role)}`;
    case 'access.grant': {
      const until = typeof p.expiresAt === 'number' ? `until ${formatTime(p.expiresAt)}` : 'with no end date';
      return `Give ${subject} client-wide ${matterRole(p.role)} access to ${clientInWords(a)} ${until}`;
    }
    case 'keys.shred':
      return `Destroy the keys of ${clientInWords(a)} (its documents can never be read again)`;
    case 'identity.mfa.reset':
      return `Reset ${subject}’s second factor (their authenticator app, passkeys and recovery codes are removed; they enrol again at next sign-in)`;
    case 'access.wall.lift':
      return a.matter ? `Lift the ethical wall on matter ${matterText(a.matter)}` : `Lift the ethical wall on all matters of ${clientInWords(a)}`;
    default:
      return `A change (${a.kind})${a.subjectName ? ` concerning ${a.subjectName}` : ''}`;
  }
}

function statusInWords(a: Approval): string {
  const by = a.decidedByName ?? 'someone';
  switch (a.status) {
    case 'pending':
      return `Waiting for a second person until ${formatTime(a.expiresAt)}`;
    case 'approved':
      return `Approved by ${by} on ${formatTime(a.decidedAt)}`;
    case 'rejected':
      return `Rejected by ${by} on ${formatTime(a.decidedAt)}`;
    case 'cancelled':
      return `Withdrawn on ${formatTime(a.decidedAt)}`;
    case 'expired':
      return `Lapsed on ${formatTime(a.expiresAt)}: nobody decided it in time`;
  }
}

/** Plain words for the refusals a decision or a withdrawal can meet (the server's code and message follow). */
export function approvalErrorTitle(error: unknown): string {
  const code = error instanceof ApiError ? error.code : null;
  if (code === 'SEPARATION_OF_DUTIES') return 'You cannot decide this yourself: it is your own request or it concerns you. Another administrator or a compliance officer must.';
  if (code === 'APPROVAL_NOT_FOUND') return 'This request is no longer there, or it is not yours to decide.';
  if (code === 'CONFLICT') return 'This request is already decided, withdrawn or lapsed.';
  return 'Could not do that';
}

/**
 * The two-person rule: changes others filed that wait for you as the second person (approve or
 * reject), and your own requests (withdraw while pending).
 */
export function ApprovalsPage() {
  const toDecide = useQuery({ queryKey: ['access', 'approvals', 'to-decide'], queryFn: () => accessApi.approvals(true) });
  const mine = useQuery({ queryKey: ['access', 'approvals', 'mine'], queryFn: () => accessApi.approvals(false) });
  const [busy, setBusy] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const [notice, setNotice] = useState<string | null>(null);

  // Kept by hand (not one mutation): each approval has its own busy state and its own error.
  const run = async (a: Approval, work: () => Promise<Approval>, done: (result: Approval) => string) => {
    setBusy(a.id);
    setNotice(null);
    setErrors((all) => ({ ...all, [a.id]: null }));
    try {
      setNotice(done(await work()));
      await Promise.all([toDecide.refetch(), mine.refetch()]);
    } catch (e) {
      setErrors((all) => ({ ...all, [a.id]: e }));
      // A request someone else decided meanwhile: show the list as it is now, keeping the message.
      if (e instanceof ApiError && (e.code === 'CONFLICT' || e.code === 'APPROVAL_NOT_FOUND')) void mine.refetch();
    } finally {
      setBusy(null);
    }
  };

  const item = (a: Approval, mode: 'decide' | 'mine') => {
    const description = describeApproval(a);
    const error = errors[a.id];
    return (
      <li key={a.id} className="approval">
        <p className="approval-what">{description}</p>
        <p className="approval-meta">
          {mode === 'decide' ? `Asked by ${a.requestedByName ?? 'a former staff member'} on ${formatTime(a.requestedAt)}` : `Asked on ${formatTime(a.requestedAt)}`}
          {' · '}
          <span className={`approval-status approval-${a.status}`}>{statusInWords(a)}</span>
        </p>
        {error !== null && error !== undefined && <ErrorMessage error={error} title={approvalErrorTitle(error)} />}
        {a.status === 'pending' && (
          <div className="approval-actions">
            {mode === 'decide' ? (
              <>
                <Button
                  busy={busy === a.id}
                  disabled={busy !== null}
                  aria-label={`Approve: ${description}`}
                  onClick={() =>
                    void run(
                      a,
                      () => accessApi.decideApproval(a.id, 'approve'),
                      () => `Approved: ${description}. The change is made.`,
                    )
                  }
                >
                  Approve
                </Button>
                <Button
                  variant="danger"
                  busy={busy === a.id}
                  disabled={busy !== null}
                  aria-label={`Reject: ${description}`}
                  onClick={() =>
                    void run(
                      a,
                      () => accessApi.decideApproval(a.id, 'reject'),
                      () => `Rejected: ${description}. Nothing was changed.`,
                    )
                  }
                >
                  Reject
                </Button>
              </>
            ) : (
              <Button
                variant="secondary"
                busy={busy === a.id}
                disabled={busy !== null}
                aria-label={`Cancel: ${description}`}
                onClick={() =>
                  void run(
                    a,
                    () => accessApi.cancelApproval(a.id),
                    () => `Withdrawn: ${description}.`,
                  )
                }
              >
                Cancel
              </Button>
            )}
          </div>
        )}
      </li>
    );
  };

  return (
    <section className="approvals">
      <PageTitle>Approvals</PageTitle>
      <p>
        Changes that could open client data — new accounts, role changes, client-wide access, lifting an ethical wall, destroying a client’s keys — need a second person: another administrator or a compliance officer. Nobody decides their own request or one about
        themselves.
      </p>
      {notice && (
        <p role="status" className="approval-notice">
          {notice}
        </p>
      )}
      <h2>Waiting for you</h2>
      {toDecide.error !== null && <ErrorMessage error={toDecide.error} />}
      {toDecide.data === undefined ? (
        toDecide.error === null && <Loading />
      ) : toDecide.data.approvals.length === 0 ? (
        <p>Nothing waits for your approval.</p>
      ) : (
        <ul className="approval-list" aria-label="Waiting for you">
          {toDecide.data.approvals.map((a) => item(a, 'decide'))}
        </ul>
      )}
      <h2>Your requests</h2>
      {mine.error !== null && <ErrorMessage error={mine.error} />}
      {mine.data === undefined ? (
        mine.error === null && <Loading />
      ) : mine.data.approvals.length === 0 ? (
        <p>You have not asked for any approval.</p>
      ) : (
        <ul className="approval-list" aria-label="Your requests">
          {mine.data.approvals.map((a) => item(a, 'mine'))}
        </ul>
      )}
    </section>
  );
}
