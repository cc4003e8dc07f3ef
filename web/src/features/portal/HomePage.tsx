import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Button, ErrorMessage, Loading, PageTitle } from '../../components';
import { formatDay, NOTICE_SECTIONS, shortSha } from '../consent/labels';
import { PortalRetentionSection } from '../retention';
import { portalApi, portalKeys, type ConsentRequest, type PortalNotice } from './api';
import { matterName } from './labels';
import { ExportSection } from './ExportSection';
import { ConsentTermsList, Empty } from './parts';

/** The notice in force: title, version, fingerprint, and its six sections. */
function NoticeView({ notice }: { notice: PortalNotice }) {
  return (
    <section className="portal-card" aria-labelledby="portal-notice">
      <h3 id="portal-notice">{notice.title}</h3>
      <p className="portal-meta">
        Version {notice.version} · fingerprint <code title={notice.sha256 ?? undefined}>{shortSha(notice.sha256)}</code>
      </p>
      {NOTICE_SECTIONS.map((section) => (
        <div key={section.key} className="portal-notice-section">
          <h4>{section.key === 'rights' ? 'Your rights' : section.label}</h4>
          <p className="portal-text">{notice.content[section.key]}</p>
        </div>
      ))}
    </section>
  );
}

function ConsentRequestCard({ request, notice }: { request: ConsentRequest; notice: PortalNotice | null }) {
  const queryClient = useQueryClient();
  const decide = useMutation({
    mutationFn: (decision: 'give' | 'decline') => portalApi.decide(request.id, decision, notice!.id),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: portalKeys.home }), queryClient.invalidateQueries({ queryKey: portalKeys.consents })]),
  });
  return (
    <article className="portal-card" aria-label="A consent we ask of you">
      <p>We ask for your consent to share some of your data:</p>
      <ConsentTermsList terms={request} />
      {decide.error !== null && <ErrorMessage error={decide.error} title="Your answer was not recorded" />}
      {notice ? (
        <div className="portal-actions">
          <Button busy={decide.isPending && decide.variables === 'give'} disabled={decide.isPending} onClick={() => decide.mutate('give')}>
            I agree
          </Button>
          <Button variant="secondary" busy={decide.isPending && decide.variables === 'decline'} disabled={decide.isPending} onClick={() => decide.mutate('decline')}>
            I do not agree
          </Button>
        </div>
      ) : (
        <p>The firm has not published its data notice yet, so you cannot answer now. Please come back later.</p>
      )}
    </article>
  );
}

export function PortalHomePage() {
  const home = useQuery({ queryKey: portalKeys.home, queryFn: portalApi.home });
  if (home.isPending) return <Loading />;
  if (home.error) return <ErrorMessage error={home.error} title="Your page could not be loaded" />;
  const { contact, client, matters, notice, consentRequests, unreadMessages, openFileRequests, people } = home.data;
  return (
    <div className="portal">
      <PageTitle title="Home">Welcome{contact.name ? `, ${contact.name}` : ''}</PageTitle>
      {client.name && <p className="portal-lead">Your portal for {client.name}.</p>}
      {consentRequests.length > 0 && (
        <section aria-labelledby="portal-onboarding" className="portal-onboarding">
          <h2 id="portal-onboarding">Before you start: how we handle your data</h2>
          <p>Please read how the firm handles your data, then answer each question below. You can change your mind later under Consents.</p>
          {notice && <NoticeView notice={notice} />}
          {consentRequests.map((request) => (
            <ConsentRequestCard key={request.id} request={request} notice={notice} />
          ))}
        </section>
      )}
      {consentRequests.length === 0 && notice && (
        <section aria-labelledby="portal-notice">
          <h2 id="portal-notice">How we handle your data, and how long we keep it</h2>
          <details className="portal-notice">
            <summary>Read the notice in force (version {notice.version})</summary>
            <NoticeView notice={notice} />
          </details>
        </section>
      )}
      <section aria-labelledby="portal-waiting">
        <h2 id="portal-waiting">What waits for you</h2>
        <ul className="portal-counts">
          <li>
            <Link to="/portal/messages">{unreadMessages === 0 ? 'No unread messages' : unreadMessages === 1 ? '1 unread message' : `${unreadMessages} unread messages`}</Link>
          </li>
          <li>
            <Link to="/portal/files">{openFileRequests === 0 ? 'No files asked of you' : openFileRequests === 1 ? '1 file request to answer' : `${openFileRequests} file requests to answer`}</Link>
          </li>
        </ul>
      </section>
      <section aria-labelledby="portal-matters">
        <h2 id="portal-matters">Your matters</h2>
        {matters.length === 0 ? (
          <Empty>You have no matters in the portal yet.</Empty>
        ) : (
          <ul className="portal-list">
            {matters.map((m) => (
              <li key={m.id}>{matterName(m)}</li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="portal-people-of-client">
        <h2 id="portal-people-of-client">Who of {client.name ?? 'your organisation'} can use this portal</h2>
        <p>If you do not know someone here, tell your lawyers.</p>
        <ul className="portal-list">
          {people.map((p, i) => (
            <li key={`${p.email ?? 'unknown'}-${i}`}>
              {p.name ?? 'Unknown'} {p.email && <span className="portal-muted">({p.email})</span>} {p.status === 'invited' && <span className="portal-muted">— invited {formatDay(p.invitedAt)}, not signed in yet</span>}
            </li>
          ))}
        </ul>
      </section>
      <ExportSection />
      <PortalRetentionSection />
    </div>
  );
}
