/**
 * The start page, per role: what waits on the signed-in person, each list with an empty state
 * that says what to do next. Lawyers and staff: their matters, wall memos to acknowledge, access
 * requests to decide, recent documents. The compliance officer: open alerts, emergency access to
 * review, changes waiting for a second person, memos. The administrator: accounts and settings
 * needing attention. Link texts avoid the navigation's own labels, so "Clients" still names one link.
 */
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ErrorMessage, Loading, PageTitle } from '../../components';
import { formatTime } from '../../lib/format';
import { useSession } from '../identity';
import { HOME_LIMIT, homeApi, type Account, type Approval, type Gate, type MatterItem } from './api';
import './home.css';

const LAWYERS = ['attorney', 'paralegal', 'staff'];

interface SectionProps<T> {
  id: string;
  title: string;
  query: UseQueryResult<T>;
  /** The entries waiting, from the answer. */
  items: (data: T) => ReactNode[];
  /** What to do when nothing waits. */
  empty: ReactNode;
  /** Where the whole list is, when the page shows only the first few. */
  more?: { to: string; label: string };
}

/** One card: a heading with the count, the first entries, or the empty state; a failed list shows its error and leaves the others be. */
function Section<T>({ id, title, query, items, empty, more }: SectionProps<T>) {
  const entries = query.data === undefined ? null : items(query.data);
  return (
    <section className="home-card" aria-labelledby={`home-${id}`}>
      <h2 id={`home-${id}`}>
        {title}
        {entries !== null && entries.length > 0 && <span className="home-count"> ({entries.length})</span>}
      </h2>
      {query.error !== null ? (
        <ErrorMessage error={query.error} title={`Could not load ${title.toLowerCase()}`} />
      ) : entries === null ? (
        <Loading />
      ) : entries.length === 0 ? (
        <p className="home-empty">{empty}</p>
      ) : (
        <>
          <ul className="home-list">{entries.slice(0, HOME_LIMIT)}</ul>
          {more && (
            <p className="home-more">
              <Link to={more.to}>{entries.length > HOME_LIMIT ? `${more.label} (${entries.length})` : more.label}</Link>
            </p>
          )}
        </>
      )}
    </section>
  );
}

const matterText = (matter: { number: string; title: string | null } | null | undefined) => (matter ? `${matter.number}${matter.title ? ` ${matter.title}` : ''}` : 'a matter');

function MyMatters() {
  const query = useQuery({ queryKey: ['home', 'matters'], queryFn: homeApi.myMatters });
  return (
    <Section
      id="matters"
      title="Your matters"
      query={query}
      items={(page) =>
        page.items
          .filter((m: MatterItem) => m.status !== 'closed')
          .map((m: MatterItem) => (
            <li key={m.id}>
              <Link to={`/matters/${m.id}`}>
                {m.number} {m.title}
              </Link>
              <span className="home-detail">
                {m.clientName ? `${m.clientName} · ` : ''}
                {m.status === 'conflict_review' ? 'waiting for a conflict review' : m.status === 'pending' ? 'pending' : `opened ${formatTime(m.openedAt)}`}
              </span>
            </li>
          ))
      }
      empty="No open matters yet. Open a client from Clients in the menu, then open a matter for it; matters whose team you join appear here too."
      more={{ to: '/matters', label: 'Go to the matter list' }}
    />
  );
}

function RecentDocuments() {
  const query = useQuery({ queryKey: ['home', 'documents'], queryFn: homeApi.recentDocuments });
  return (
    <Section
      id="documents"
      title="Recent documents"
      query={query}
      items={(page) =>
        page.items.map((d) => (
          <li key={d.id}>
            <Link to={`/matters/${d.matterId}`}>{d.name}</Link>
            <span className="home-detail">
              {d.matterNumber} {d.matterTitle} · {formatTime(d.updatedAt)}
            </span>
          </li>
        ))
      }
      empty="No documents yet. Upload one on a matter's page, under Documents."
    />
  );
}

function PendingMemos() {
  const query = useQuery({ queryKey: ['home', 'memos'], queryFn: homeApi.pendingMemos });
  return (
    <Section
      id="memos"
      title="Memos to acknowledge"
      query={query}
      items={(answer) =>
        answer.walls.map((w) => (
          <li key={w.id}>
            <Link to="/access/acknowledgements">{w.matter ? `Screen on ${matterText(w.matter)}` : `Screen on ${w.client?.name ?? 'a client'}`}</Link>
            <span className="home-detail">
              put up {formatTime(w.createdAt)}
              {w.createdByName ? ` by ${w.createdByName}` : ''}; what it screens stays closed to you until you acknowledge it
            </span>
          </li>
        ))
      }
      empty="Nothing to acknowledge. When an ethical wall concerns you, its memo appears here."
      more={{ to: '/access/acknowledgements', label: 'Read and acknowledge them' }}
    />
  );
}

function RequestsToDecide() {
  const query = useQuery({ queryKey: ['home', 'requests'], queryFn: homeApi.requestsToDecide });
  return (
    <Section
      id="requests"
      title="Requests waiting on you"
      query={query}
      items={(answer) =>
        answer.requests
          .filter((r) => r.status === 'pending')
          .map((r) => (
            <li key={r.id}>
              <Link to="/access/requests">
                {r.name ?? 'Someone'} asks to join {matterText(r.matter)}
              </Link>
              <span className="home-detail">asked {formatTime(r.requestedAt)}</span>
            </li>
          ))
      }
      empty="No one is waiting for you to decide an access request."
      more={{ to: '/access/requests', label: 'Decide them' }}
    />
  );
}

const APPROVAL_KINDS: Record<string, string> = {
  'identity.invite': 'an invitation',
  'identity.role': 'a role change',
  'access.grant': 'client-wide access',
  'access.wall.lift': 'lifting an ethical wall',
  'keys.shred': 'destroying a client’s keys',
};

function ApprovalsToDecide() {
  const query = useQuery({ queryKey: ['home', 'approvals'], queryFn: homeApi.approvalsToDecide });
  return (
    <Section
      id="approvals"
      title="Changes waiting for your approval"
      query={query}
      items={(answer) =>
        answer.approvals
          .filter((a: Approval) => a.status === 'pending')
          .map((a: Approval) => (
            <li key={a.id}>
              <Link to="/access/approvals">
                {a.requestedByName ?? 'Someone'} asks for {APPROVAL_KINDS[a.kind] ?? 'a change'}
                {a.subjectName ? ` for ${a.subjectName}` : ''}
              </Link>
              <span className="home-detail">waits until {formatTime(a.expiresAt)}</span>
            </li>
          ))
      }
      empty="Nothing waits for a second person's approval."
      more={{ to: '/access/approvals', label: 'Go to the approval list' }}
    />
  );
}

const ALERT_RULES: Record<string, string> = {
  bulk_download: 'Bulk download',
  out_of_hours: 'Access outside working hours',
  repeated_denials: 'Repeated denials / wall probes',
  many_clients: 'Many clients in a short time',
  after_leaving: 'Activity after leaving',
  wall_crossing: 'Ethical wall crossing attempt',
  break_glass: 'Break-glass access',
  integrity_failure: 'Document integrity failure',
  verification_failed: 'Audit log verification failed',
  retention_failure: 'A retention run could not finish a disposition',
  compliance_failure: 'A compliance job could not finish (reminders or access review revocations)',
  backup_failure: 'A scheduled backup or drill failed',
};

function OpenAlerts() {
  const query = useQuery({ queryKey: ['home', 'alerts'], queryFn: homeApi.openAlerts });
  return (
    <Section
      id="alerts"
      title="Open alerts"
      query={query}
      items={(answer) => {
        const person = (id: string | null) => (id ? (answer.names.users.find((u) => u.id === id)?.name ?? 'someone') : 'the system');
        return answer.alerts.map((a) => (
          <li key={a.id}>
            <Link to="/audit/alerts">
              {ALERT_RULES[a.rule] ?? a.rule.replace(/_/g, ' ')}: {person(a.actorId)}
            </Link>
            <span className="home-detail">
              {a.severity} · {formatTime(a.createdAt)}
              {a.contained ? ' · sessions contained' : ''}
            </span>
          </li>
        ));
      }}
      empty="No open alerts. The audit monitor raises one when someone's access looks unusual."
      more={{ to: '/audit/alerts', label: 'Go to the alert list' }}
    />
  );
}

function BreakGlassToReview() {
  const query = useQuery({ queryKey: ['home', 'break-glass'], queryFn: homeApi.breakGlassToReview });
  return (
    <Section
      id="break-glass"
      title="Emergency access to review"
      query={query}
      items={(answer) =>
        answer.sessions.map((s) => (
          <li key={s.id}>
            <Link to="/access/break-glass/review">
              {s.name ?? 'Someone'} opened {matterText(s.matter)}
            </Link>
            <span className="home-detail">started {formatTime(s.startedAt)}</span>
          </li>
        ))
      }
      empty="No emergency access waits for your review."
      more={{ to: '/access/break-glass/review', label: 'Go to the review queue' }}
    />
  );
}

function AccountsNeedingAttention() {
  const query = useQuery({ queryKey: ['home', 'accounts'], queryFn: homeApi.accounts });
  return (
    <Section
      id="accounts"
      title="Accounts needing attention"
      query={query}
      items={(answer) =>
        answer.users
          .filter((u: Account) => u.status !== 'disabled' && (u.invitationPending || u.status === 'leaving'))
          .map((u: Account) => (
            <li key={u.id}>
              <Link to="/admin/users">{u.name}</Link>
              <span className="home-detail">{u.invitationPending ? 'invited, has not accepted yet' : `leaving on ${formatTime(u.leavingOn)}`}</span>
            </li>
          ))
      }
      empty="Every account is set up. Invite people from the account list; pending invitations and leavers appear here."
      more={{ to: '/admin/users', label: 'Manage accounts' }}
    />
  );
}

function SettingsNeedingAttention() {
  const query = useQuery({ queryKey: ['home', 'gates'], queryFn: homeApi.gates });
  return (
    <Section
      id="settings"
      title="Settings needing attention"
      query={query}
      items={(answer) =>
        answer.gates
          .filter((g: Gate) => g.defaultEnabled && !g.enabled)
          .map((g: Gate) => (
            <li key={g.key}>
              <Link to="/access/gates">{g.title} is switched off</Link>
              <span className="home-detail">{g.description}</span>
            </li>
          ))
      }
      empty="The access gates are at their recommended settings."
      more={{ to: '/access/gates', label: 'Go to the gate settings' }}
    />
  );
}

export function HomePage() {
  const { state } = useSession();
  const role = state?.user.role ?? '';
  const firstName = state?.user.name.split(' ')[0] ?? '';
  return (
    <section aria-labelledby="home-title" className="home">
      <PageTitle title="Home">
        <span id="home-title">Welcome to Confidant</span>
      </PageTitle>
      <p className="home-intro">{firstName ? `Hello ${firstName}. ` : ''}Here is what waits on you.</p>
      <div className="home-grid">
        {LAWYERS.includes(role) && (
          <>
            <MyMatters />
            <PendingMemos />
            <RequestsToDecide />
            <RecentDocuments />
          </>
        )}
        {role === 'compliance_officer' && (
          <>
            <OpenAlerts />
            <BreakGlassToReview />
            <ApprovalsToDecide />
            <PendingMemos />
            <RequestsToDecide />
          </>
        )}
        {role === 'firm_admin' && (
          <>
            <AccountsNeedingAttention />
            <ApprovalsToDecide />
            <SettingsNeedingAttention />
          </>
        )}
      </div>
    </section>
  );
}
