import { useQueries, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, data } from '../../api/client';
import { ClientPicker, ErrorMessage, Loading, NotFound, PageTitle } from '../../components';
import { consentApi } from './api';
import { ClientConsentsPanel } from './ClientConsentsPanel';
import { formatDay, labelsOf, PURPOSE_LABELS } from './labels';

/**
 * Consents: choose a client (by name), see and record their consents; `/consents/:clientId` is
 * one client's ledger. Below, the consents ending within 30 days on the clients you may read.
 */
export function ConsentsPage() {
  const { clientId } = useParams();
  const navigate = useNavigate();
  const client = useQuery({ queryKey: ['consent', 'client', clientId], queryFn: () => clientById(clientId ?? ''), enabled: Boolean(clientId) });
  if (clientId && client.error instanceof ApiError && client.error.status === 404) return <NotFound />;
  const name = client.data?.name || undefined;
  return (
    <section>
      <PageTitle title={name ? `Consents — ${name}` : 'Consents'}>{name ? `Consents — ${name}` : 'Consents'}</PageTitle>
      <p>A client’s documented, specific and withdrawable permission to share their data. A disclosure under consent is refused unless a live consent covers every item, the recipient, the purpose and the channel.</p>
      <ClientPicker
        label="Client"
        value={clientId && client.data ? { id: clientId, label: client.data.name || 'Client (name destroyed)' } : null}
        onChange={(option) => void navigate(option ? `/consents/${option.id}` : '/consents')}
        hint="Type the client’s name."
      />
      {clientId && client.error !== null && <ErrorMessage error={client.error} />}
      {clientId ? client.data ? <ClientConsentsPanel clientId={clientId} /> : !client.error && <Loading /> : <ExpiringConsents />}
    </section>
  );
}

const clientById = (clientId: string) => data(api.GET('/api/v1/clients/{clientId}', { params: { path: { clientId } } }));
// Names are looked up for this many clients of the list at most; the rest say "a client".
const NAMED_CLIENTS = 20;

function ExpiringConsents() {
  const { data: expiring, error } = useQuery({ queryKey: ['consent', 'expiring', 30], queryFn: () => consentApi.expiring(30) });
  const clientIds = [...new Set((expiring?.items ?? []).map((c) => c.clientId))].slice(0, NAMED_CLIENTS);
  const clients = useQueries({ queries: clientIds.map((id) => ({ queryKey: ['consent', 'client', id], queryFn: () => clientById(id) })) });
  const nameOf = (id: string) => clients[clientIds.indexOf(id)]?.data?.name || 'a client';
  return (
    <>
      <h2>Ending within 30 days</h2>
      {error !== null && <ErrorMessage error={error} />}
      {expiring === undefined ? (
        !error && <Loading />
      ) : expiring.items.length === 0 ? (
        <p>No live consent of your clients ends in the next 30 days.</p>
      ) : (
        <ul className="consent-list">
          {expiring.items.map((c) => (
            <li key={c.id}>
              <Link to={`/consents/${c.clientId}`}>{nameOf(c.clientId)}</Link>: {labelsOf(PURPOSE_LABELS, c.purposes).toLowerCase()} — ends {formatDay(c.validUntil)}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
