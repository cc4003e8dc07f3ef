import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { Button, ErrorMessage, Loading, PageTitle } from '../../components';
import { formatTime } from '../../lib/format';
import { holdKeys, holdsApi, type HoldFilter } from './api';
import { acknowledgedText, coversText } from './labels';

/**
 * Legal holds the signed-in person may see (their matters'; every one for the compliance
 * officer), with a way to place one and the person's own notices to acknowledge.
 */
export function HoldsPage() {
  const [status, setStatus] = useState<HoldFilter['status']>('active');
  const filter: HoldFilter = status ? { status } : {};
  const holds = useQuery({
    queryKey: holdKeys.list(filter),
    queryFn: () => holdsApi.list(filter),
  });
  const items = holds.data?.items ?? [];
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Legal holds</PageTitle>
      <p className="hold-lead">
        A legal hold keeps what litigation, an investigation or an audit may need: from the moment it is placed, nothing it covers can be changed, deleted or destroyed — by anyone, or by a retention schedule — until the compliance officer releases
        it.
      </p>
      <NoticesLink />
      <p>
        <Link className="button button-primary hold-button-link" to="/holds/new">
          Place a hold
        </Link>
      </p>
      <h2>Holds</h2>
      <div role="group" aria-label="Which holds" className="hold-filter">
        {(
          [
            ['active', 'In force'],
            ['released', 'Released'],
            [undefined, 'All'],
          ] as const
        ).map(([value, label]) => (
          <Button key={label} variant={status === value ? 'primary' : 'secondary'} aria-pressed={status === value} onClick={() => setStatus(value)}>
            {label}
          </Button>
        ))}
      </div>
      {holds.error !== null && <ErrorMessage error={holds.error} title="The holds cannot be shown" />}
      {holds.isPending && <Loading />}
      {holds.data && items.length === 0 && (
        <p className="hold-empty">
          {status === 'released'
            ? 'No hold you can see has been released.'
            : 'No legal hold is in force on a matter you can see. When litigation is expected, or an investigation or audit asks for records, place a hold so nothing relevant is changed or destroyed.'}
        </p>
      )}
      {items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Legal holds">
          <table className="hold-table">
            <caption className="visually-hidden">Legal holds</caption>
            <thead>
              <tr>
                <th scope="col">Hold</th>
                <th scope="col">Client</th>
                <th scope="col">Matter</th>
                <th scope="col">Covers</th>
                <th scope="col">Placed</th>
                <th scope="col">Custodians acknowledged</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {items.map((hold) => (
                <tr key={hold.id}>
                  <td>
                    <Link to={`/holds/${hold.id}`}>{hold.name}</Link>
                  </td>
                  <td>{hold.client.label}</td>
                  <td>{hold.matter?.label ?? 'All matters'}</td>
                  <td>{coversText(hold)}</td>
                  <td>
                    {formatTime(hold.createdAt)}
                    <div className="hold-detail">by {hold.createdBy.name}</div>
                  </td>
                  <td>{acknowledgedText(hold)}</td>
                  <td>
                    <span className={`hold-badge hold-badge-${hold.status}`}>{hold.status === 'active' ? 'In force' : 'Released'}</span>
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

/** The person's own notices: how many wait for their acknowledgement, with the way there. */
function NoticesLink() {
  const notices = useQuery({
    queryKey: holdKeys.notices,
    queryFn: holdsApi.notices,
  });
  const waiting = notices.data?.items.filter((n) => n.status === 'active' && n.acknowledgedAt === null).length ?? 0;
  return (
    <p className={waiting > 0 ? 'hold-callout' : undefined}>
      <Link to="/holds/notices">{waiting > 0 ? `${waiting} legal hold ${waiting === 1 ? 'notice waits' : 'notices wait'} for your acknowledgement` : 'Notices for you'}</Link>
      {waiting === 0 && notices.data && <span className="hold-detail"> — holds naming you as a custodian</span>}
    </p>
  );
}
