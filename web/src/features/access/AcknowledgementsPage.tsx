import { Link } from 'react-router';
import { Button, ErrorMessage, Loading, PageTitle } from '../../components';
import { accessApi } from './api';
import { useLoad } from './useLoad';

/** Walls whose memo you must acknowledge before opening anything behind them. */
export function AcknowledgementsPage() {
  const { data, error, reload, setError } = useLoad(() => accessApi.pendingAcknowledgements(), []);
  const acknowledge = async (id: string) => {
    try {
      await accessApi.acknowledge(id);
      await reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section>
      <PageTitle>Wall memos to acknowledge</PageTitle>
      {error !== null && <ErrorMessage error={error} />}
      {data === null ? (
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
            <Button onClick={() => void acknowledge(wall.id)}>I have read and acknowledge this memo</Button>
          </article>
        ))
      )}
    </section>
  );
}
