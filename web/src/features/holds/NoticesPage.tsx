import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, PageTitle } from '../../components';
import { formatTime } from '../../lib/format';
import { holdKeys, holdsApi, type HoldNotice } from './api';

/**
 * The signed-in person's custodian notices (the mail links here): what each hold asks them to
 * preserve where they may see its matter — otherwise whom to ask — and their acknowledgement.
 */
export function NoticesPage() {
  const notices = useQuery({
    queryKey: holdKeys.notices,
    queryFn: holdsApi.notices,
  });
  const items = notices.data?.items ?? [];
  const open = items.filter((n) => n.status === 'active');
  const released = items.filter((n) => n.status === 'released');
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Legal hold notices for you</PageTitle>
      <p className="hold-lead">
        A legal hold names you as a custodian when you hold material it covers. Until it is released, do not delete, change or destroy any of it — in Confidant, in e-mail, on paper or anywhere else you keep it. Acknowledge each notice to confirm you
        have read it. <Link to="/holds">All legal holds</Link>
      </p>
      {notices.error !== null && <ErrorMessage error={notices.error} title="Your notices cannot be shown" />}
      {notices.isPending && <Loading />}
      {notices.data && items.length === 0 && <p className="hold-empty">No legal hold names you as a custodian. When one does, you get an e-mail and it appears here.</p>}
      {open.length > 0 && (
        <ul className="hold-notices" aria-label="Holds in force">
          {open.map((n) => (
            <NoticeCard key={n.holdId} notice={n} />
          ))}
        </ul>
      )}
      {released.length > 0 && (
        <>
          <h2>Released</h2>
          <p>These holds have ended: what they covered may be handled normally again, unless another hold covers it.</p>
          <ul className="hold-notices" aria-label="Released holds">
            {released.map((n) => (
              <NoticeCard key={n.holdId} notice={n} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function NoticeCard({ notice: n }: { notice: HoldNotice }) {
  const acknowledge = usePageAction(holdKeys.all);
  const title = n.name ?? `A legal hold placed by ${n.placedBy.name}`;
  return (
    <li className="hold-card">
      <h2 className="hold-card-title">{title}</h2>
      <p className="hold-detail">
        Placed by {n.placedBy.name} · you were notified {formatTime(n.notifiedAt)}
      </p>
      {n.reason !== null ? <p className="hold-pre">{n.reason}</p> : <p>You may not see this matter; ask {n.placedBy.name} what to preserve.</p>}
      {n.name !== null && (
        <p>
          <Link to={`/holds/${n.holdId}`}>Open the hold</Link>
        </p>
      )}
      {n.acknowledgedAt !== null ? (
        <p className="hold-acknowledged">You acknowledged it on {formatTime(n.acknowledgedAt)}.</p>
      ) : n.status === 'active' ? (
        <Button busy={acknowledge.isPending} onClick={() => acknowledge.mutate(() => holdsApi.acknowledge(n.holdId))} aria-label={`Acknowledge: ${title}`}>
          Acknowledge
        </Button>
      ) : null}
      {acknowledge.error !== null && <ErrorMessage error={acknowledge.error} title="Your acknowledgement was not recorded" />}
    </li>
  );
}
