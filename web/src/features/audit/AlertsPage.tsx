import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, PageTitle } from '../../components';
import { formatTime } from '../../lib/format';
import { auditApi } from './api';
import { nameBook } from './names';

const RULE_LABELS: Record<string, string> = {
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

const DETAIL_LABELS: Record<string, string> = { documents: 'documents', denials: 'refused attempts', clients: 'clients', threshold: 'threshold', windowMinutes: 'minutes', hour: 'hour', weekend: 'weekend', action: 'action', problems: 'problems', firstBadIndex: 'first bad event' };

/** Alerts raised by the monitoring rules and by scheduled verification; acknowledging is audited. */
export function AlertsPage() {
  const [status, setStatus] = useState<'open' | 'acknowledged'>('open');
  const query = useQuery({ queryKey: ['audit', 'alerts', status], queryFn: () => auditApi.alerts(status) });
  const alerts = query.data?.alerts;
  const book = nameBook(query.data?.names);
  const action = usePageAction(['audit', 'alerts']);
  const error = action.error ?? query.error;
  const acknowledge = (id: string) => action.mutate(() => auditApi.acknowledge(id));
  const navigate = useNavigate();
  const openIncident = (id: string) => action.mutate(() => auditApi.openIncident(id), { onSuccess: (incident) => void navigate(`/incidents/${(incident as { id: string }).id}`) });

  return (
    <section aria-labelledby="alerts-title">
      <PageTitle>Alerts</PageTitle>
      <div role="group" aria-label="Which alerts" className="audit-tabs">
        <Button variant={status === 'open' ? 'primary' : 'secondary'} aria-pressed={status === 'open'} onClick={() => setStatus('open')}>
          Open
        </Button>
        <Button variant={status === 'acknowledged' ? 'primary' : 'secondary'} aria-pressed={status === 'acknowledged'} onClick={() => setStatus('acknowledged')}>
          Acknowledged
        </Button>
      </div>
      {error !== null && <ErrorMessage error={error} />}
      {alerts === undefined ? (
        !error && <Loading />
      ) : alerts.length === 0 ? (
        <p>{status === 'open' ? 'No open alerts: nothing needs your attention.' : 'No acknowledged alerts yet.'}</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table className="audit-table">
            <thead>
              <tr>
                <th scope="col">Raised</th>
                <th scope="col">Rule</th>
                <th scope="col">Severity</th>
                <th scope="col">Who</th>
                <th scope="col">Matter</th>
                <th scope="col">Detail</th>
                <th scope="col">Contained</th>
                <th scope="col">{status === 'open' ? <span className="visually-hidden">Actions</span> : 'Acknowledged'}</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((a) => (
                <tr key={a.id}>
                  <td>{formatTime(a.createdAt)}</td>
                  <td>{RULE_LABELS[a.rule] ?? a.rule}</td>
                  <td>{a.severity}</td>
                  <td title={a.actorId ?? undefined}>{a.actorId ? book.person(a.actorId) : 'The system'}</td>
                  <td title={a.matterId ?? a.clientId ?? undefined}>{a.matterId ? book.matter(a.matterId) : a.clientId ? book.client(a.clientId) : '—'}</td>
                  <td>
                    {Object.entries(a.detail)
                      .map(([k, v]) => `${DETAIL_LABELS[k] ?? k}: ${v}`)
                      .join(', ')}
                    {a.firstIndex !== null ? ` (event ${a.firstIndex})` : ''}
                  </td>
                  <td>{a.contained ? 'Yes: sessions revoked, step-up required' : 'No'}</td>
                  <td>
                    {a.status === 'open' ? (
                      <Button variant="secondary" onClick={() => acknowledge(a.id)} aria-label={`Acknowledge alert ${RULE_LABELS[a.rule] ?? a.rule} for ${a.actorId ? book.person(a.actorId) : 'the system'}`}>
                        Acknowledge
                      </Button>
                    ) : (
                      <span title={a.acknowledgedBy ?? undefined}>{`${a.acknowledgedBy ? book.person(a.acknowledgedBy) : ''} ${a.acknowledgedAt ? formatTime(a.acknowledgedAt) : ''}`}</span>
                    )}{' '}
                    <Button variant="secondary" onClick={() => openIncident(a.id)} aria-label={`Open an incident from alert ${RULE_LABELS[a.rule] ?? a.rule} for ${a.actorId ? book.person(a.actorId) : 'the system'}`}>
                      Open an incident
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
