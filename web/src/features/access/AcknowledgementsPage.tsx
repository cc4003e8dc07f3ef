import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { usePageAction } from '../../api/query';
import { Button, ErrorMessage, Loading, PageTitle } from '../../components';
import { accessApi } from './api';

/** Walls whose memo you must acknowledge before opening anything behind them. */
export function AcknowledgementsPage() {
  const { data, error: loadError } = useQuery({ queryKey: ['access', 'pending-acknowledgements'], queryFn: accessApi.pendingAcknowledgements });
  const action = usePageAction(['access']);
  const error = action.error ?? loadError;
  return (
    <section>
      <PageTitle>Wall memos to acknowledge</PageTitle>
      {error !== null && <ErrorMessage error={error} />}
      {data === undefined ? (
        !error && <Loading />
      ) : data.walls.length === 0 ? (
        <p>Nothing to acknowledge.</p>
      ) : (
        data.walls.map((wall) => (
          <article key={wall.id}>
            <h2>
              <Link to={`/access/walls/${wall.id}`}>{wall.kind === 'exclusionary' ? 'Ethical screen' : 'Restricted matter'}</Link> on {wall.matterId ? `matter ${wall.matterId}` : `client ${wall.clientId}`}
            </h2>
            <blockquote>{wall.memo}</blockquote>
            <Button busy={action.isPending} onClick={() => action.mutate(() => accessApi.acknowledge(wall.id))}>I have read and acknowledge this memo</Button>
          </article>
        ))
      )}
    </section>
  );
}
