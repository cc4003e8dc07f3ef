import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, NavLink, useNavigate, useParams } from 'react-router';
import { ClientGrantsPanel } from '../access';
import { ClientConsentsPanel } from '../consent';
import { ClientPortalPanel } from '../portal-staff';
import { EngagementSection } from '../retention';
import { api, ApiError, data } from '../../api/client';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, Select, TextField } from '../../components';
import { formatTime } from '../../lib/format';
import { vaultApi, type Client } from './api';
import { ExportPanel } from './ExportPanel';
import { MatterList, NewMatterForm } from './MattersPages';
import { PartiesPanel, PartyFields, partiesOf, type PartyDraft } from './PartiesEditor';

const KINDS = [
  { value: 'organisation', label: 'Organisation' },
  { value: 'person', label: 'Person' },
];
export const CLIENT_STATUS: Record<Client['status'], string> = { active: 'Active', closed: 'Closed', conflict_review: 'Conflict review' };

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
      <MyIntakes />
      {list.error ? <ErrorMessage error={list.error} /> : null}
      {list.isPending ? <Loading /> : null}
      {list.data && clients.length === 0 ? <p>No clients you can open yet. Take one on with the form above.</p> : null}
      {clients.length > 0 && (
        <div className="table-scroll" tabIndex={0}>
          <table className="vault-table">
            <caption className="visually-hidden">Clients you can open</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              {clients.map((client) => (
                <tr key={client.id}>
                  <td>
                    <Link to={`/clients/${client.id}`}>{client.name || '(destroyed)'}</Link>
                  </td>
                  <td>{client.kind === 'person' ? 'Person' : 'Organisation'}</td>
                  <td>{CLIENT_STATUS[client.status]}</td>
                  <td>{formatTime(client.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.hasNextPage && (
        <Button variant="secondary" busy={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          Show more
        </Button>
      )}
    </section>
  );
}

/** What the user opened that waits for the compliance officer (never why, or against whom). */
function MyIntakes() {
  const { data: intakes } = useQuery({ queryKey: ['vault', 'intakes'], queryFn: vaultApi.myIntakes });
  const waiting = intakes?.items.filter((i) => i.status === 'referred') ?? [];
  if (waiting.length === 0) return null;
  return (
    <section className="vault-panel" aria-labelledby="intakes-title">
      <h2 id="intakes-title">Waiting for conflict review</h2>
      <p>A possible conflict was found when these were opened. They were referred to the compliance officer and open once cleared.</p>
      <ul>
        {waiting.map((intake) => (
          <li key={intake.id}>
            {intake.subject === 'client' ? `Client ${intake.clientName}` : `Matter ${intake.matterNumber ?? ''} — ${intake.matterTitle ?? ''} (${intake.clientName})`} · opened {formatTime(intake.requestedAt)}
          </li>
        ))}
      </ul>
    </section>
  );
}

function NewClientForm() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'person' | 'organisation'>('organisation');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [identifierType, setIdentifierType] = useState('');
  const [identifierValue, setIdentifierValue] = useState('');
  const [parties, setParties] = useState<PartyDraft[]>([]);
  const [referred, setReferred] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: vaultApi.createClient,
    onSuccess: (client) => {
      void queryClient.invalidateQueries({ queryKey: ['vault'] });
      if (client.status === 'conflict_review') {
        setReferred(client.name);
        setName('');
        setParties([]);
        return;
      }
      void navigate(`/clients/${client.id}`);
    },
  });
  const { error, isPending: busy } = create;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setReferred(null);
    create.mutate({
      kind,
      name,
      email: email || null,
      phone: phone || null,
      ...(identifierType.trim() && identifierValue.trim() ? { identifiers: [{ type: identifierType.trim(), value: identifierValue.trim() }] } : {}),
      parties: partiesOf(parties),
    });
  };
  return (
    <>
      {referred !== null && (
        <p role="status" className="vault-referred">
          Possible conflict — “{referred}” was referred to the compliance officer. You can open it once it is cleared.
        </p>
      )}
      <details className="vault-new">
        <summary>New client</summary>
        <form onSubmit={submit} aria-label="New client">
          <Select label="Kind" value={kind} onChange={(e) => setKind(e.target.value as 'person' | 'organisation')} options={KINDS} />
          <TextField label="Name" required value={name} onChange={(e) => setName(e.target.value)} error={fieldError(error, 'body.name')} />
          <TextField label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={fieldError(error, 'body.email')} />
          <TextField label="Phone" value={phone} onChange={(e) => setPhone(e.target.value)} error={fieldError(error, 'body.phone')} />
          <TextField label="Identifier type (optional)" placeholder="e.g. company number" value={identifierType} onChange={(e) => setIdentifierType(e.target.value)} />
          <TextField label="Identifier (optional)" value={identifierValue} onChange={(e) => setIdentifierValue(e.target.value)} error={fieldError(error, 'body.identifiers.0.value')} />
          <PartyFields drafts={parties} onChange={setParties} error={error} />
          {error && !(error instanceof ApiError && error.fields.length > 0) ? <ErrorMessage error={error} /> : null}
          <Button type="submit" busy={busy}>
            Create client
          </Button>
        </form>
      </details>
    </>
  );
}

const CLIENT_TABS = [
  { key: 'matters', label: 'Matters' },
  { key: 'parties', label: 'Parties' },
  { key: 'consents', label: 'Consents' },
  { key: 'portal', label: 'Portal' },
  { key: 'access', label: 'Access' },
  { key: 'export', label: 'Export' },
  { key: 'engagement', label: 'End of engagement' },
] as const;
type ClientTabKey = (typeof CLIENT_TABS)[number]['key'];

export function ClientDetailPage() {
  const { clientId = '', tab = 'matters' } = useParams();
  const { data: client, error } = useQuery({ queryKey: ['vault', 'client', clientId], queryFn: () => vaultApi.client(clientId) });
  const { data: matters } = useQuery({ queryKey: ['vault', 'matters', { clientId }], queryFn: () => vaultApi.matters(clientId) });
  if (error) return <ErrorMessage error={error} title="This client cannot be shown" />;
  if (!client) return <Loading />;
  const matterNumbers = new Map((matters?.items ?? []).map((m) => [m.id, m.number]));
  const current: ClientTabKey = (CLIENT_TABS.some((t) => t.key === tab) ? tab : 'matters') as ClientTabKey;
  return (
    <section aria-labelledby="page-title">
      <PageTitle>{client.name}</PageTitle>
      <dl className="vault-facts">
        {client.number !== null && (
          <>
            <dt>Client number</dt>
            <dd>{client.number}</dd>
          </>
        )}
        <dt>Kind</dt>
        <dd>{client.kind === 'person' ? 'Person' : 'Organisation'}</dd>
        <dt>Status</dt>
        <dd>{CLIENT_STATUS[client.status]}</dd>
        <dt>Email</dt>
        <dd>{client.email ?? '—'}</dd>
        <dt>Phone</dt>
        <dd>{client.phone ?? '—'}</dd>
        <dt>Address</dt>
        <dd className="vault-pre">{client.address ?? '—'}</dd>
        {client.identifiers.map((identifier) => (
          <div key={`${identifier.type}:${identifier.value}`}>
            <dt>{identifier.type}</dt>
            <dd>{identifier.value}</dd>
          </div>
        ))}
      </dl>
      <EditClientForm client={client} />
      <nav className="vault-tabs" aria-label="Client sections">
        {CLIENT_TABS.map((t) => (
          <NavLink key={t.key} to={`/clients/${client.id}/${t.key}`} className={t.key === current ? 'active' : undefined} aria-current={t.key === current ? 'page' : undefined} end>
            {t.label}
          </NavLink>
        ))}
      </nav>
      <div className="vault-tab-panel">
        {current === 'matters' && (
          <section aria-labelledby="matters-title">
            <h2 id="matters-title">Matters</h2>
            <NewMatterForm clientId={client.id} />
            <MatterList clientId={client.id} />
          </section>
        )}
        {current === 'parties' && <PartiesPanel clientId={client.id} parties={client.parties ?? []} matterNumbers={matterNumbers} />}
        {current === 'consents' && <ClientConsentsPanel clientId={client.id} clientName={client.name} />}
        {current === 'portal' && <ClientPortalPanel clientId={client.id} clientName={client.name} />}
        {current === 'access' && (
          <>
            <ClientGrantsPanel clientId={client.id} />
            <ClientWalls clientId={client.id} />
          </>
        )}
        {current === 'export' && <ExportPanel clientId={client.id} />}
        {current === 'engagement' && <EngagementSection clientId={client.id} clientName={client.name} matterLabels={new Map((matters?.items ?? []).map((m) => [m.id, `${m.number} — ${m.title}`]))} />}
      </div>
    </section>
  );
}

function EditClientForm({ client }: { client: Client }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(client.name);
  const [email, setEmail] = useState(client.email ?? '');
  const [phone, setPhone] = useState(client.phone ?? '');
  const [address, setAddress] = useState(client.address ?? '');
  const [identifiers, setIdentifiers] = useState(client.identifiers.map((i) => ({ ...i })));
  const save = useMutation({
    mutationFn: () => vaultApi.updateClient(client.id, { name, email: email || null, phone: phone || null, address: address || null, identifiers: identifiers.filter((i) => i.type.trim() && i.value.trim()) }),
    onSuccess: () => {
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: ['vault'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <details className="vault-new" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Edit contact details and identifiers</summary>
      <form onSubmit={submit} aria-label="Edit client">
        <TextField label="Name" required value={name} onChange={(e) => setName(e.target.value)} error={fieldError(save.error, 'body.name')} />
        <TextField label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={fieldError(save.error, 'body.email')} />
        <TextField label="Phone" value={phone} onChange={(e) => setPhone(e.target.value)} error={fieldError(save.error, 'body.phone')} />
        <label className="field">
          <span>Address</span>
          <textarea value={address} rows={3} onChange={(e) => setAddress(e.target.value)} />
        </label>
        {identifiers.map((identifier, index) => (
          <div className="vault-party-row" key={index} role="group" aria-label={`Identifier ${index + 1}`}>
            <TextField label="Identifier type" value={identifier.type} onChange={(e) => setIdentifiers(identifiers.map((x, i) => (i === index ? { ...x, type: e.target.value } : x)))} />
            <TextField label="Identifier" value={identifier.value} onChange={(e) => setIdentifiers(identifiers.map((x, i) => (i === index ? { ...x, value: e.target.value } : x)))} error={fieldError(save.error, `body.identifiers.${index}.value`)} />
            <Button variant="secondary" onClick={() => setIdentifiers(identifiers.filter((_, i) => i !== index))}>
              Remove identifier
            </Button>
          </div>
        ))}
        <Button variant="secondary" onClick={() => setIdentifiers([...identifiers, { type: '', value: '' }])}>
          Add an identifier
        </Button>
        {save.error && !(save.error instanceof ApiError && save.error.fields.length > 0) ? <ErrorMessage error={save.error} /> : null}
        <Button type="submit" busy={save.isPending}>
          Save client
        </Button>
      </form>
    </details>
  );
}

/** Walls on the client (shown to whoever may see them). */
function ClientWalls({ clientId }: { clientId: string }) {
  const walls = useQuery({ queryKey: ['vault', 'client-walls', clientId], queryFn: () => data(api.GET('/api/v1/walls', { params: { query: { clientId, active: true } } })), retry: false });
  return (
    <section className="vault-panel" aria-labelledby="client-access-title">
      <h2 id="client-access-title">Ethical walls</h2>
      {walls.data ? (
        walls.data.walls.length === 0 ? (
          <p>No ethical walls on this client.</p>
        ) : (
          <ul>
            {walls.data.walls.map((wall) => (
              <li key={wall.id}>
                <Link to={`/access/walls/${wall.id}`}>{wall.kind === 'exclusionary' ? 'Screen' : 'Lock'}</Link>
                {wall.matter ? ` on matter ${wall.matter.number}` : ' on the whole client'} · {wall.members.map((m) => m.name ?? 'someone').join(', ')}
              </li>
            ))}
          </ul>
        )
      ) : walls.error ? (
        <p>Ethical walls on this client are shown to the compliance officer.</p>
      ) : (
        <Loading />
      )}
    </section>
  );
}
