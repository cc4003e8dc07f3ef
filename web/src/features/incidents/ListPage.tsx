import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { ErrorMessage, Loading, PageTitle } from '../../components';
import { incidentKeys, incidentsApi, type IncidentSummary } from './api';
import { CLOCK_WORDS, SeverityBadge, spanOf, StatusBadge, timeOf, useIsOfficer } from './parts';

/** The incidents: every one for the compliance officer (open ones first, closed behind a toggle); anyone else their own reports. */
export function ListPage() {
  const officer = useIsOfficer();
  const [showClosed, setShowClosed] = useState(false);
  const open = officer && !showClosed;
  const list = useQuery({ queryKey: incidentKeys.list(open), queryFn: () => incidentsApi.list(open) });
  const toggle = useId();
  const items = list.data?.items ?? [];
  const title = officer ? 'Incidents' : 'Your reports';
  return (
    <section aria-labelledby="page-title" className="inc-page">
      <PageTitle>{title}</PageTitle>
      <p className="inc-lead">
        {officer
          ? 'Every incident reported at the firm, with its step and its nearest notification deadline. Open one to triage it, work out its scope, contain it and follow its clocks.'
          : 'The incidents you reported and the step each has reached. The compliance officer handles them; you can follow their progress here.'}
      </p>
      <p>
        <Link to="/incidents/new" className="button button-primary">
          Report an incident
        </Link>
      </p>
      {officer && (
        <div className="inc-check">
          <input id={toggle} type="checkbox" checked={showClosed} onChange={(e) => setShowClosed(e.target.checked)} />
          <label htmlFor={toggle}>Show closed incidents</label>
        </div>
      )}
      {list.error !== null && <ErrorMessage error={list.error} title="The incidents cannot be shown" />}
      {list.isPending && <Loading />}
      {list.data && items.length === 0 && (
        <div className="inc-empty">
          {officer ? (
            <>
              <p>{showClosed ? 'No incident has been reported yet.' : 'No open incident.'}</p>
              <p>When someone reports an incident it appears here, with the deadlines of the rules you choose for it (GDPR, HIPAA, US state laws, ABA Opinion 483).</p>
            </>
          ) : (
            <>
              <p>You have not reported an incident.</p>
              <p>If something may have put client data at risk — a lost device, a misdirected e-mail, a suspicious sign-in — report it straight away with “Report an incident”.</p>
            </>
          )}
        </div>
      )}
      {items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={title}>
          <table className="inc-table">
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">What happened</th>
                <th scope="col">Severity</th>
                <th scope="col">Step</th>
                <th scope="col">{officer ? 'Next deadline' : 'Reported'}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id}>
                  <td data-label="Number">
                    <Link to={`/incidents/${i.id}`}>{i.number}</Link>
                  </td>
                  <td data-label="What happened">
                    {i.title}
                    {officer && <div className="inc-detail">Reported by {i.reportedBy.name}</div>}
                  </td>
                  <td data-label="Severity">
                    <SeverityBadge severity={i.severity} />
                  </td>
                  <td data-label="Step">
                    <StatusBadge status={i.status} />
                  </td>
                  <td data-label={officer ? 'Next deadline' : 'Reported'}>{officer ? <NextDeadline incident={i} /> : timeOf(i.reportedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function NextDeadline({ incident }: { incident: IncidentSummary }) {
  const next = incident.nextDeadline;
  if (!next) return <span className="inc-detail">{['notified', 'remediated', 'closed'].includes(incident.status) ? 'Clocks stopped (notified)' : 'None yet: no rules chosen'}</span>;
  const left = Date.parse(next.dueAt) - Date.now();
  return (
    <span className={`inc-deadline inc-clock-${next.state}`}>
      <span className="inc-clock-state">{CLOCK_WORDS[next.state] ?? next.state}</span> {next.label}
      <span className="inc-detail"> · {left < 0 ? `${spanOf(-left)} overdue` : `${spanOf(left)} left`}, {timeOf(next.dueAt)}</span>
    </span>
  );
}
