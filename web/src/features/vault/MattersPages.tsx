import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, NavLink, useNavigate, useParams } from 'react-router';
import { api, ApiError, data } from '../../api/client';
import { Button, ErrorMessage, fieldError, Loading, PageTitle, PersonPicker, TextField, type PickerOption } from '../../components';
import { formatTime, parseLocal } from '../../lib/format';
import { BlockedNotice } from '../access';
import { MatterAccessHistory } from '../audit';
import { MatterHoldsPanel } from '../holds';
import { MatterMessagesPanel } from '../portal-staff';
import { vaultApi, type Matter } from './api';
import { DocumentsPanel } from './DocumentsPanel';
import { NotesPanel } from './NotesPanel';
import { PartyFields, partiesOf, ROLE_LABEL, type PartyDraft } from './PartiesEditor';
import { RecordsPanel } from './RecordsPanel';

export const MATTER_STATUS: Record<Matter['status'], string> = { open: 'Open', pending: 'Pending', closed: 'Closed', conflict_review: 'Conflict review' };

export function MatterList({ clientId }: { clientId?: string }) {
  const { data: matters, error } = useQuery({ queryKey: ['vault', 'matters', { clientId }], queryFn: () => vaultApi.matters(clientId) });
  if (error) return <ErrorMessage error={error} />;
  if (!matters) return <Loading />;
  if (matters.items.length === 0) return <p>{clientId ? 'No matters for this client yet. Open one above.' : 'No matters you can open yet. Open one from a client’s page.'}</p>;
  return (
    <div className="table-scroll" tabIndex={0}>
      <table className="vault-table">
        <caption className="visually-hidden">Matters</caption>
        <thead>
          <tr>
            <th scope="col">Number</th>
            <th scope="col">Title</th>
            {!clientId && <th scope="col">Client</th>}
            <th scope="col">Responsible</th>
            <th scope="col">Status</th>
            <th scope="col">Opened</th>
          </tr>
        </thead>
        <tbody>
          {matters.items.map((matter) => (
            <tr key={matter.id}>
              <td>{matter.number}</td>
              <td>
                <Link to={`/matters/${matter.id}`}>{matter.title || '(destroyed)'}</Link>
              </td>
              {!clientId && (
                <td>
                  <Link to={`/clients/${matter.clientId}`}>{matter.clientName || '(destroyed)'}</Link>
                </td>
              )}
              <td>{matter.leadName ?? '—'}</td>
              <td>{MATTER_STATUS[matter.status]}</td>
              <td>{formatTime(matter.openedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
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

/** Opening a matter for a client, with its parties (checked for conflicts). */
export function NewMatterForm({ clientId }: { clientId: string }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState('');
  const [practiceArea, setPracticeArea] = useState('');
  const [description, setDescription] = useState('');
  const [parties, setParties] = useState<PartyDraft[]>([]);
  const [referred, setReferred] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: vaultApi.createMatter,
    onSuccess: (matter) => {
      void queryClient.invalidateQueries({ queryKey: ['vault'] });
      if (matter.status === 'conflict_review') {
        setReferred(`${matter.number} — ${matter.title}`);
        setTitle('');
        setParties([]);
        return;
      }
      void navigate(`/matters/${matter.id}`);
    },
  });
  const { error, isPending: busy } = create;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setReferred(null);
    create.mutate({ clientId, title, practiceArea: practiceArea || null, description: description || null, parties: partiesOf(parties) });
  };
  return (
    <>
      {referred !== null && (
        <p role="status" className="vault-referred">
          Possible conflict — matter {referred} was referred to the compliance officer. It opens once cleared.
        </p>
      )}
      <details className="vault-new">
        <summary>Open a matter</summary>
        <form onSubmit={submit} aria-label="Open a matter">
          <TextField label="Title" required value={title} onChange={(e) => setTitle(e.target.value)} error={fieldError(error, 'body.title')} />
          <TextField label="Type (practice area)" value={practiceArea} onChange={(e) => setPracticeArea(e.target.value)} error={fieldError(error, 'body.practiceArea')} />
          <label className="field">
            <span>Description (optional)</span>
            <textarea value={description} rows={3} onChange={(e) => setDescription(e.target.value)} />
          </label>
          <PartyFields drafts={parties} onChange={setParties} error={error} />
          {error && !(error instanceof ApiError && error.fields.length > 0) ? <ErrorMessage error={error} /> : null}
          <Button type="submit" busy={busy}>
            Open matter
          </Button>
        </form>
      </details>
    </>
  );
}

const TABS = [
  { key: 'documents', label: 'Documents' },
  { key: 'notes', label: 'Notes' },
  { key: 'records', label: 'Records' },
  { key: 'messages', label: 'Messages' },
  { key: 'parties', label: 'Parties' },
  { key: 'team', label: 'Team' },
  { key: 'walls', label: 'Walls' },
  { key: 'access', label: 'Access history' },
] as const;
type TabKey = (typeof TABS)[number]['key'];

export function MatterDetailPage() {
  const { matterId = '', tab = 'documents' } = useParams();
  const { data: matter, error } = useQuery({ queryKey: ['vault', 'matter', matterId], queryFn: () => vaultApi.matter(matterId), retry: false });
  // Why it does not open (a wall memo to acknowledge, a gate, or not found), from the access feature.
  if (error)
    return (
      <section aria-labelledby="page-title">
        <PageTitle>This matter cannot be opened</PageTitle>
        <BlockedNotice matterId={matterId} error={error} />
      </section>
    );
  if (!matter) return <Loading />;
  const current: TabKey = (TABS.some((t) => t.key === tab) ? tab : 'documents') as TabKey;
  return (
    <section aria-labelledby="page-title">
      <PageTitle>{`${matter.number} — ${matter.title}`}</PageTitle>
      <p>
        <Link to={`/clients/${matter.clientId}`}>{matter.clientName || 'Client'}</Link> · {MATTER_STATUS[matter.status]} · opened {formatTime(matter.openedAt)}
        {matter.closedAt ? ` · closed ${formatTime(matter.closedAt)}` : ''}
        {matter.practiceArea ? ` · ${matter.practiceArea}` : ''}
        {matter.jurisdiction ? ` · ${matter.jurisdiction}` : ''} · responsible: {matter.leadName ?? '—'}
      </p>
      {matter.description && <p className="vault-pre">{matter.description}</p>}
      {matter.status === 'closed' && matter.closeReason && <p>Closed because: {matter.closeReason}</p>}
      <MatterHoldsPanel matterId={matter.id} clientId={matter.clientId} />
      <MatterActions matter={matter} />
      <nav className="vault-tabs" aria-label="Matter sections">
        {TABS.map((t) => (
          <NavLink key={t.key} to={`/matters/${matter.id}/${t.key}`} className={t.key === current ? 'active' : undefined} aria-current={t.key === current ? 'page' : undefined} end>
            {t.label}
          </NavLink>
        ))}
      </nav>
      <div className="vault-tab-panel">
        {current === 'documents' && <DocumentsPanel matterId={matter.id} />}
        {current === 'notes' && <NotesPanel matterId={matter.id} />}
        {current === 'records' && <RecordsPanel matterId={matter.id} />}
        {current === 'messages' && <MatterMessagesPanel matterId={matter.id} />}
        {current === 'parties' && <MatterParties matter={matter} />}
        {current === 'team' && <TeamTab matterId={matter.id} />}
        {current === 'walls' && <WallsTab matterId={matter.id} />}
        {current === 'access' && <MatterAccessHistory matter={matter} />}
      </div>
    </section>
  );
}

/** Edit, close (date and reason) and reopen. */
function MatterActions({ matter }: { matter: Matter }) {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['vault'] });
  const [title, setTitle] = useState(matter.title);
  const [description, setDescription] = useState(matter.description ?? '');
  const [practiceArea, setPracticeArea] = useState(matter.practiceArea ?? '');
  const [lead, setLead] = useState<PickerOption | null>({ id: matter.leadUserId, label: matter.leadName ?? 'Current lead' });
  const [closedOn, setClosedOn] = useState('');
  const [reason, setReason] = useState('');
  const edit = useMutation({
    mutationFn: () => vaultApi.updateMatter(matter.id, { title, description: description || null, practiceArea: practiceArea || null, ...(lead && lead.id !== matter.leadUserId ? { leadUserId: lead.id } : {}) }),
    onSuccess: refresh,
  });
  const close = useMutation({ mutationFn: () => vaultApi.closeMatter(matter.id, { reason, ...(closedOn ? { closedAt: parseLocal(closedOn) ?? undefined } : {}) }), onSuccess: refresh });
  const reopen = useMutation({ mutationFn: () => vaultApi.reopenMatter(matter.id), onSuccess: refresh });
  return (
    <div className="vault-matter-actions">
      <details className="vault-new">
        <summary>Edit matter</summary>
        <form
          aria-label="Edit matter"
          onSubmit={(event) => {
            event.preventDefault();
            edit.mutate();
          }}
        >
          <TextField label="Title" required value={title} onChange={(e) => setTitle(e.target.value)} error={fieldError(edit.error, 'body.title')} />
          <TextField label="Type (practice area)" value={practiceArea} onChange={(e) => setPracticeArea(e.target.value)} error={fieldError(edit.error, 'body.practiceArea')} />
          <label className="field">
            <span>Description</span>
            <textarea value={description} rows={3} onChange={(e) => setDescription(e.target.value)} />
          </label>
          <PersonPicker label="Responsible attorney" value={lead} onChange={setLead} error={fieldError(edit.error, 'body.leadUserId')} hint="An attorney of the firm; give them a seat on the Team tab" />
          {edit.error && !(edit.error instanceof ApiError && edit.error.fields.length > 0) ? <ErrorMessage error={edit.error} /> : null}
          <Button type="submit" busy={edit.isPending}>
            Save matter
          </Button>
          {edit.isSuccess && <p role="status">Saved.</p>}
        </form>
      </details>
      {matter.status === 'closed' ? (
        <div>
          <Button variant="secondary" busy={reopen.isPending} onClick={() => reopen.mutate()}>
            Reopen matter
          </Button>
          {reopen.error ? <ErrorMessage error={reopen.error} /> : null}
        </div>
      ) : (
        <details className="vault-new">
          <summary>Close matter</summary>
          <form
            aria-label="Close matter"
            onSubmit={(event) => {
              event.preventDefault();
              close.mutate();
            }}
          >
            <TextField label="Closed on (optional, default now)" type="datetime-local" value={closedOn} onChange={(e) => setClosedOn(e.target.value)} error={fieldError(close.error, 'body.closedAt')} />
            <TextField label="Reason" required value={reason} onChange={(e) => setReason(e.target.value)} error={fieldError(close.error, 'body.reason')} />
            {close.error && !(close.error instanceof ApiError && close.error.fields.length > 0) ? <ErrorMessage error={close.error} /> : null}
            <Button type="submit" busy={close.isPending}>
              Close matter
            </Button>
          </form>
        </details>
      )}
    </div>
  );
}

function MatterParties({ matter }: { matter: Matter }) {
  const queryClient = useQueryClient();
  const { data: client, error } = useQuery({ queryKey: ['vault', 'client', matter.clientId], queryFn: () => vaultApi.client(matter.clientId), retry: false });
  const [drafts, setDrafts] = useState<PartyDraft[]>([]);
  const add = useMutation({
    mutationFn: async () => {
      for (const party of partiesOf(drafts)) await vaultApi.addParty(matter.clientId, { ...party, matterId: matter.id });
    },
    onSuccess: () => {
      setDrafts([]);
      void queryClient.invalidateQueries({ queryKey: ['vault', 'client', matter.clientId] });
    },
  });
  if (error) return <ErrorMessage error={error} />;
  if (!client) return <Loading />;
  const parties = (client.parties ?? []).filter((p) => p.matterId === matter.id || p.matterId === null);
  return (
    <section aria-labelledby="matter-parties-title">
      <h2 id="matter-parties-title">Parties</h2>
      {parties.length === 0 ? (
        <p>No parties recorded for this matter.</p>
      ) : (
        <ul>
          {parties.map((p) => (
            <li key={p.id}>
              {p.name} — {ROLE_LABEL[p.role]}
              {p.matterId === null ? ' (of the client)' : ''}
            </li>
          ))}
        </ul>
      )}
      <form
        aria-label="Add parties to this matter"
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate();
        }}
      >
        <PartyFields drafts={drafts} onChange={setDrafts} error={add.error} />
        {add.error && !(add.error instanceof ApiError && add.error.fields.length > 0) ? <ErrorMessage error={add.error} /> : null}
        {drafts.length > 0 && (
          <Button type="submit" busy={add.isPending}>
            Save parties
          </Button>
        )}
      </form>
    </section>
  );
}

function TeamTab({ matterId }: { matterId: string }) {
  const team = useQuery({ queryKey: ['vault', 'team', matterId], queryFn: () => data(api.GET('/api/v1/matters/{matterId}/team', { params: { path: { matterId } } })), retry: false });
  return (
    <section aria-labelledby="team-title">
      <h2 id="team-title">Team</h2>
      {team.error ? <ErrorMessage error={team.error} /> : null}
      {team.data && (team.data.members.length === 0 ? <p>Nobody is on the team.</p> : (
        <ul>
          {team.data.members.map((m) => (
            <li key={m.userId}>
              {m.name ?? m.email ?? 'Unknown person'} — {m.role.replace('_', ' ')}
              {m.expiresAt ? ` until ${formatTime(m.expiresAt)}` : ''}
            </li>
          ))}
        </ul>
      ))}
      <p>
        <Link to={`/access/matters/${matterId}/team`}>Manage the team</Link>
      </p>
    </section>
  );
}

function WallsTab({ matterId }: { matterId: string }) {
  const walls = useQuery({ queryKey: ['vault', 'matter-walls', matterId], queryFn: () => data(api.GET('/api/v1/walls', { params: { query: { matterId, active: true } } })), retry: false });
  return (
    <section aria-labelledby="walls-title">
      <h2 id="walls-title">Walls</h2>
      {walls.error ? <p>Ethical walls on this matter are shown to the compliance officer.</p> : null}
      {walls.data && (walls.data.walls.length === 0 ? <p>No ethical walls on this matter.</p> : (
        <ul>
          {walls.data.walls.map((wall) => (
            <li key={wall.id}>
              <Link to={`/access/walls/${wall.id}`}>{wall.kind === 'exclusionary' ? 'Screen' : 'Lock'}</Link>
              {wall.matter ? '' : ' (whole client)'} · {wall.members.map((m) => m.name ?? 'someone').join(', ')}
            </li>
          ))}
        </ul>
      ))}
      <p>
        <Link to="/access/walls">All walls</Link>
      </p>
    </section>
  );
}
