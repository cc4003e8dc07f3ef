import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, Select, TextField } from '../../components';
import { useStepUp } from '../identity/StepUp';
import { vaultApi } from './api';
import { MatterList } from './MattersPages';

export function ClientsPage() {
  const list = useInfiniteQuery({
    queryKey: ['vault', 'clients'],
    queryFn: ({ pageParam }) => vaultApi.clients(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const clients = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section aria-labelledby="page-title">
      <PageTitle>Clients</PageTitle>
      <NewClientForm />
      {list.error ? <ErrorMessage error={list.error} /> : null}
      {list.isPending ? <Loading /> : null}
      {list.data && clients.length === 0 ? <p>No clients you can open yet.</p> : null}
      {clients.length > 0 && (
        <table className="vault-table">
          <caption className="visually-hidden">Clients you can open</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {clients.map((client) => (
              <tr key={client.id}>
                <td>
                  <Link to={`/clients/${client.id}`}>{client.name || '(destroyed)'}</Link>
                </td>
                <td>{client.kind}</td>
                <td>{client.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasNextPage && (
        <Button variant="secondary" busy={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          Show more
        </Button>
      )}
    </section>
  );
}

function NewClientForm() {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'person' | 'organisation'>('organisation');
  const [email, setEmail] = useState('');
  const create = useMutation({ mutationFn: vaultApi.createClient, onSuccess: (client) => navigate(`/clients/${client.id}`) });
  const { error, isPending: busy } = create;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ kind, name, email: email || null });
  };
  return (
    <details className="vault-new">
      <summary>New client</summary>
      <form onSubmit={submit} aria-label="New client">
        <Select label="Kind" value={kind} onChange={(e) => setKind(e.target.value as 'person' | 'organisation')} options={[{ value: 'organisation', label: 'Organisation' }, { value: 'person', label: 'Person' }]} />
        <TextField label="Name" required value={name} onChange={(e) => setName(e.target.value)} error={fieldError(error, 'body.name')} />
        <TextField label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={fieldError(error, 'body.email')} />
        {error && !(error instanceof ApiError && error.fields.length > 0) ? <ErrorMessage error={error} /> : null}
        <Button type="submit" busy={busy}>Create client</Button>
      </form>
    </details>
  );
}

export function ClientDetailPage() {
  const { clientId = '' } = useParams();
  const { data: client, error } = useQuery({ queryKey: ['vault', 'client', clientId], queryFn: () => vaultApi.client(clientId) });
  if (error) return <ErrorMessage error={error} title="This client cannot be shown" />;
  if (!client) return <Loading />;
  return (
    <section aria-labelledby="page-title">
      <PageTitle>{client.name}</PageTitle>
      <dl className="vault-facts">
        <dt>Kind</dt>
        <dd>{client.kind}</dd>
        <dt>Status</dt>
        <dd>{client.status}</dd>
        {client.email && (
          <>
            <dt>Email</dt>
            <dd>{client.email}</dd>
          </>
        )}
        {client.phone && (
          <>
            <dt>Phone</dt>
            <dd>{client.phone}</dd>
          </>
        )}
        {client.identifiers.map((identifier) => (
          <div key={`${identifier.type}:${identifier.value}`}>
            <dt>{identifier.type}</dt>
            <dd>{identifier.value}</dd>
          </div>
        ))}
      </dl>
      <h2>Matters</h2>
      <NewMatterForm clientId={client.id} />
      <MatterList clientId={client.id} />
      <ExportPanel clientId={client.id} />
    </section>
  );
}

function NewMatterForm({ clientId }: { clientId: string }) {
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [practiceArea, setPracticeArea] = useState('');
  const create = useMutation({ mutationFn: vaultApi.createMatter, onSuccess: (matter) => navigate(`/matters/${matter.id}`) });
  const { error, isPending: busy } = create;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ clientId, title, practiceArea: practiceArea || null });
  };
  return (
    <details className="vault-new">
      <summary>Open a matter</summary>
      <form onSubmit={submit} aria-label="Open a matter">
        <TextField label="Title" required value={title} onChange={(e) => setTitle(e.target.value)} error={fieldError(error, 'body.title')} />
        <TextField label="Practice area" value={practiceArea} onChange={(e) => setPracticeArea(e.target.value)} />
        {error && !(error instanceof ApiError && error.fields.length > 0) ? <ErrorMessage error={error} /> : null}
        <Button type="submit" busy={busy}>Open matter</Button>
      </form>
    </details>
  );
}

/** Export as an age archive: needs a recent second factor (step-up), asked inline. */
function ExportPanel({ clientId }: { clientId: string }) {
  const [recipient, setRecipient] = useState('');
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const stepUp = useStepUp();
  const exportNow = async () => {
    const url = URL.createObjectURL(await vaultApi.exportClient(clientId, [recipient.trim()]));
    const link = document.createElement('a');
    link.href = url;
    link.download = `client-${clientId}.tar.age`;
    link.click();
    URL.revokeObjectURL(url);
    setDone(true);
  };
  return (
    <details className="vault-new">
      <summary>Export (age archive)</summary>
      <p>Encrypts every matter, document, note and record of this client to an age public key. Open it with <code>age -d -i key.txt file.tar.age | tar x</code>.</p>
      <TextField label="Recipient (age public key)" placeholder="age1…" value={recipient} onChange={(e) => setRecipient(e.target.value)} />
      <Button
        busy={busy}
        onClick={() => {
          setBusy(true);
          setDone(false);
          void stepUp.run(exportNow).finally(() => setBusy(false));
        }}
      >
        Export
      </Button>
      {stepUp.prompt}
      {stepUp.error ? <ErrorMessage error={stepUp.error} /> : null}
      {done && <p role="status">Export downloaded.</p>}
    </details>
  );
}
