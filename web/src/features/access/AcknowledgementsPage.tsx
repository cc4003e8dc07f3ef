import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, PageTitle } from '../../components';
import { formatTime } from '../../lib/format';
import { accessApi } from './api';
import { coversText, personText } from './labels';

/** Walls whose memo you must acknowledge before opening anything behind them (a blocked matter links here). */
export function AcknowledgementsPage() {
  const { data, error: loadError } = useQuery({ queryKey: ['access', 'pending-acknowledgements'], queryFn: accessApi.pendingAcknowledgements });
  const action = usePageAction(['access']);
  const error = action.error ?? loadError;
  return (
    <section>
      <PageTitle>Wall memos to acknowledge</PageTitle>
      <p>An ethical wall’s memo says who is screened from a matter and what everyone concerned must not do. Until you acknowledge it, the matters behind the wall stay closed to you.</p>
      {error !== null && <ErrorMessage error={error} />}
      {data === undefined ? (
        !error && <Loading />
      ) : data.walls.length === 0 ? (
        <p>Nothing to acknowledge — when a wall concerns you, its memo appears here.</p>
      ) : (
        data.walls.map((wall) => (
          <article key={wall.id} className="review-item">
            <h2>
              <Link to={`/access/walls/${wall.id}`}>{wall.kind === 'exclusionary' ? 'Ethical screen' : 'Restricted matter'}</Link>: {coversText(wall)}
            </h2>
            <p className="access-detail">
              Put up {formatTime(wall.createdAt)}
              {wall.createdByName && ` by ${wall.createdByName}`}. {wall.kind === 'exclusionary' ? 'Screened' : 'Locked to'}: {wall.members.map((m) => personText(m.name)).join(', ')}.
            </p>
            <blockquote className="wall-memo">{wall.memo}</blockquote>
            <Button busy={action.isPending} onClick={() => action.mutate(() => accessApi.acknowledge(wall.id))} aria-label={`Acknowledge the memo: ${coversText(wall)}`}>
              I have read and acknowledge this memo
            </Button>
          </article>
        ))
      )}
    </section>
  );
}
