import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { formatTime } from '../../lib/format';
import { holdKeys, holdsApi } from './api';
import { coversText } from './labels';

/**
 * On a matter's page: the legal holds in force that reach it — on the matter itself, or on its
 * whole client (a client's custodian hold included). Nothing at all when there are none or the
 * viewer may not see them.
 */
export function MatterHoldsPanel({ matterId, clientId }: { matterId: string; clientId: string }) {
  // By client, not by matter: a hold on the whole client covers this matter too.
  const filter = { clientId, status: 'active' as const };
  const holds = useQuery({
    queryKey: holdKeys.list(filter),
    queryFn: () => holdsApi.list(filter),
    retry: false,
  });
  const reaching = (holds.data?.items ?? []).filter((h) => h.matter === null || h.matter.id === matterId);
  if (reaching.length === 0) return null;
  return (
    <section className="hold-panel" aria-labelledby="matter-holds-title">
      <h2 id="matter-holds-title">Legal holds</h2>
      <p>Do not change, delete or destroy what these holds cover, in Confidant or anywhere else, until they are released.</p>
      <ul className="hold-list">
        {reaching.map((h) => (
          <li key={h.id}>
            <Link to={`/holds/${h.id}`}>{h.name}</Link> — {h.matter ? coversText(h) : `${coversText(h)} (a hold on the whole client)`} · placed {formatTime(h.createdAt)} by {h.createdBy.name}
          </li>
        ))}
      </ul>
    </section>
  );
}
