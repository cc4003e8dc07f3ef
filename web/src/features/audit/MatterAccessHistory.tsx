import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import { ErrorMessage, Loading } from '../../components';
import { formatTime } from '../../lib/format';
import { useSession } from '../identity';
import { auditApi } from './api';
import { nameBook } from './names';

/**
 * A matter's access history from the audit log: who opened its data, how often allowed and
 * denied, first and last time. The log is the compliance officer's to read (asking is itself
 * audited); anyone else is told so, not shown an error.
 */
export function MatterAccessHistory({ matter }: { matter: { id: string; number: string; title: string } }) {
  // Only the compliance officer reads the log (audit.read): nobody else's page asks, so nobody's
  // browser logs a refusal (the server refuses and audits it all the same).
  const { state } = useSession();
  const reads = state?.user.role === 'compliance_officer';
  const report = useQuery({ queryKey: ['audit', 'access', { matterId: matter.id }], queryFn: () => auditApi.access({ matterId: matter.id }), retry: false, enabled: reads });
  const refused = !reads || (report.error instanceof ApiError && report.error.status === 403);
  const book = nameBook(report.data?.names);
  return (
    <section aria-labelledby="access-title">
      <h2 id="access-title">Access history</h2>
      <p>Every opening of this matter’s data is in the tamper-evident audit log, with who, when and on what basis.</p>
      {refused ? (
        <p>The access history is shown to the compliance officer. Ask them for a report on matter {matter.number}.</p>
      ) : report.error ? (
        <ErrorMessage error={report.error} />
      ) : !report.data ? (
        <Loading />
      ) : report.data.actors.length === 0 ? (
        <p>Nobody has opened this matter’s data yet.</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table className="audit-table">
            <thead>
              <tr>
                <th scope="col">Who</th>
                <th scope="col">Allowed</th>
                <th scope="col">Denied</th>
                <th scope="col">First</th>
                <th scope="col">Last</th>
              </tr>
            </thead>
            <tbody>
              {report.data.actors.map((a) => (
                <tr key={`${a.actorType}:${a.actorId ?? ''}`}>
                  <td>{book.person(a.actorId, a.actorType)}</td>
                  <td>{a.allowed}</td>
                  <td>{a.denied}</td>
                  <td>{formatTime(a.firstAt)}</td>
                  <td>{formatTime(a.lastAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {report.data && (
        <p>
          <Link to="/audit" state={{ matter: { id: matter.id, label: `${matter.number} — ${matter.title}` } }}>
            Every event of this matter in the audit log
          </Link>{' '}
          · <Link to="/audit/reports" state={{ matter: { id: matter.id, label: `${matter.number} — ${matter.title}` } }}>Reports on this matter</Link>
        </p>
      )}
    </section>
  );
}
