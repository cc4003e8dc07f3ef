import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { ErrorMessage, Loading, PageTitle } from '../../components';
import { formatTime } from '../../lib/format';
import { vaultApi } from './api';
import { DocumentsPanel } from './DocumentsPanel';
import { NotesPanel } from './NotesPanel';
import { RecordsPanel } from './RecordsPanel';

export function MatterList({ clientId }: { clientId?: string }) {
  const { data, error } = useQuery({ queryKey: ['vault', 'matters', { clientId }], queryFn: () => vaultApi.matters(clientId) });
  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading />;
  if (data.items.length === 0) return <p>No matters you can open.</p>;
  return (
    <table className="vault-table">
      <caption className="visually-hidden">Matters</caption>
      <thead>
        <tr>
          <th scope="col">Number</th>
          <th scope="col">Title</th>
          <th scope="col">Practice area</th>
          <th scope="col">Status</th>
          <th scope="col">Opened</th>
        </tr>
      </thead>
      <tbody>
        {data.items.map((matter) => (
          <tr key={matter.id}>
            <td>{matter.number}</td>
            <td>
              <Link to={`/matters/${matter.id}`}>{matter.title || '(destroyed)'}</Link>
            </td>
            <td>{matter.practiceArea ?? ''}</td>
            <td>{matter.status}</td>
            <td>{formatTime(matter.openedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function MattersPage() {
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Matters</PageTitle>
      <MatterList />
    </section>
  );
}

export function MatterDetailPage() {
  const { matterId = '' } = useParams();
  const { data: matter, error } = useQuery({ queryKey: ['vault', 'matter', matterId], queryFn: () => vaultApi.matter(matterId) });
  if (error) return <ErrorMessage error={error} title="This matter cannot be shown" />;
  if (!matter) return <Loading />;
  return (
    <section aria-labelledby="page-title">
      <PageTitle>{`${matter.number} — ${matter.title}`}</PageTitle>
      <p>
        <Link to={`/clients/${matter.clientId}`}>Client</Link> · {matter.status} · opened {formatTime(matter.openedAt)}
        {matter.practiceArea ? ` · ${matter.practiceArea}` : ''}
        {matter.jurisdiction ? ` · ${matter.jurisdiction}` : ''}
      </p>
      <DocumentsPanel matterId={matter.id} />
      <NotesPanel matterId={matter.id} />
      <RecordsPanel matterId={matter.id} />
    </section>
  );
}
