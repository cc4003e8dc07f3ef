// Parties (opposing and related people and organisations): fields for the intake forms, and the
// panel that lists, adds, edits and removes them on the client page. Every name is checked for
// conflicts across the firm by the server.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { Button, ErrorMessage, fieldError, Select, TextField } from '../../components';
import { vaultApi, type Party, type PartyInput } from './api';

export const ROLE_OPTIONS = [
  { value: 'opposing', label: 'Opposing (the other side)' },
  { value: 'related', label: 'Related (on the client’s side)' },
];
const KIND_OPTIONS = [
  { value: 'organisation', label: 'Organisation' },
  { value: 'person', label: 'Person' },
];
export const ROLE_LABEL: Record<Party['role'], string> = { opposing: 'Opposing', related: 'Related' };

export interface PartyDraft {
  role: 'opposing' | 'related';
  kind: 'person' | 'organisation';
  name: string;
  identifierType: string;
  identifierValue: string;
}

export const emptyParty = (): PartyDraft => ({ role: 'opposing', kind: 'organisation', name: '', identifierType: '', identifierValue: '' });

/** The drafts worth sending (a name given), as the API takes them. */
export function partiesOf(drafts: PartyDraft[]): PartyInput[] {
  return drafts
    .filter((d) => d.name.trim() !== '')
    .map((d) => ({ role: d.role, kind: d.kind, name: d.name.trim(), ...(d.identifierType.trim() && d.identifierValue.trim() ? { identifiers: [{ type: d.identifierType.trim(), value: d.identifierValue.trim() }] } : {}) }));
}

/** Party rows inside an intake form; `error` is the form's mutation error (fields `body.parties.N.*`). */
export function PartyFields({ drafts, onChange, error }: { drafts: PartyDraft[]; onChange: (drafts: PartyDraft[]) => void; error: unknown }) {
  const set = (index: number, change: Partial<PartyDraft>) => onChange(drafts.map((d, i) => (i === index ? { ...d, ...change } : d)));
  return (
    <fieldset className="vault-parties">
      <legend>Parties</legend>
      <p className="vault-hint">Opposing and related parties are checked for conflicts across the firm. If one may conflict, the compliance officer reviews it before anyone can open this.</p>
      {drafts.length === 0 && <p className="vault-hint">No parties yet.</p>}
      {drafts.map((draft, index) => (
        <div className="vault-party-row" key={index} role="group" aria-label={`Party ${index + 1}`}>
          <Select label="Role" value={draft.role} onChange={(e) => set(index, { role: e.target.value as PartyDraft['role'] })} options={ROLE_OPTIONS} />
          <Select label="Kind" value={draft.kind} onChange={(e) => set(index, { kind: e.target.value as PartyDraft['kind'] })} options={KIND_OPTIONS} />
          <TextField label="Party name" value={draft.name} onChange={(e) => set(index, { name: e.target.value })} error={fieldError(error, `body.parties.${index}.name`)} />
          <TextField label="Identifier type (optional)" placeholder="e.g. company number" value={draft.identifierType} onChange={(e) => set(index, { identifierType: e.target.value })} />
          <TextField label="Identifier (optional)" value={draft.identifierValue} onChange={(e) => set(index, { identifierValue: e.target.value })} />
          <Button variant="secondary" onClick={() => onChange(drafts.filter((_, i) => i !== index))}>
            Remove party
          </Button>
        </div>
      ))}
      <Button variant="secondary" onClick={() => onChange([...drafts, emptyParty()])}>
        Add a party
      </Button>
    </fieldset>
  );
}

/** The client's parties (its own and its matters'), with add, edit and remove when the user may change them. */
export function PartiesPanel({ clientId, parties, matterNumbers }: { clientId: string; parties: Party[]; matterNumbers: Map<string, string> }) {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['vault', 'client', clientId] });
  const [draft, setDraft] = useState<PartyDraft>(emptyParty());
  const add = useMutation({
    mutationFn: () => vaultApi.addParty(clientId, partiesOf([draft])[0]!),
    onSuccess: () => {
      setDraft(emptyParty());
      refresh();
    },
  });
  const remove = useMutation({ mutationFn: (partyId: string) => vaultApi.deleteParty(partyId), onSuccess: refresh });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <section className="vault-panel" aria-labelledby="parties-title">
      <h2 id="parties-title">Parties</h2>
      {parties.length === 0 ? (
        <p>No parties recorded. Add the other side of each matter and related companies so that conflicts can be found.</p>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table className="vault-table">
            <caption className="visually-hidden">Parties</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Matter</th>
                <th scope="col">Identifiers</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {parties.map((party) => (
                <PartyRow key={party.id} party={party} matterNumber={party.matterId ? (matterNumbers.get(party.matterId) ?? 'a matter') : 'Client'} onChanged={refresh} onRemove={() => remove.mutate(party.id)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {remove.error ? <ErrorMessage error={remove.error} /> : null}
      <details className="vault-new">
        <summary>Add a party</summary>
        <form onSubmit={submit} aria-label="Add a party" className="vault-party-row">
          <Select label="Role" value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as PartyDraft['role'] })} options={ROLE_OPTIONS} />
          <Select label="Kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as PartyDraft['kind'] })} options={KIND_OPTIONS} />
          <TextField label="Party name" required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} error={fieldError(add.error, 'body.name')} />
          <TextField label="Identifier type (optional)" placeholder="e.g. company number" value={draft.identifierType} onChange={(e) => setDraft({ ...draft, identifierType: e.target.value })} />
          <TextField label="Identifier (optional)" value={draft.identifierValue} onChange={(e) => setDraft({ ...draft, identifierValue: e.target.value })} />
          {add.error && !(add.error instanceof ApiError && add.error.fields.length > 0) ? <ErrorMessage error={add.error} /> : null}
          <Button type="submit" busy={add.isPending}>
            Add party
          </Button>
        </form>
      </details>
    </section>
  );
}

function PartyRow({ party, matterNumber, onChanged, onRemove }: { party: Party; matterNumber: string; onChanged: () => void; onRemove: () => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(party.name);
  const [role, setRole] = useState<Party['role']>(party.role);
  const save = useMutation({
    mutationFn: () => vaultApi.updateParty(party.id, { name: name.trim(), role }),
    onSuccess: () => {
      setEditing(false);
      onChanged();
    },
  });
  if (editing) {
    return (
      <tr>
        <td colSpan={5}>
          <form
            className="vault-party-row"
            aria-label={`Edit ${party.name}`}
            onSubmit={(event) => {
              event.preventDefault();
              save.mutate();
            }}
          >
            <TextField label="Party name" required value={name} onChange={(e) => setName(e.target.value)} error={fieldError(save.error, 'body.name')} />
            <Select label="Role" value={role} onChange={(e) => setRole(e.target.value as Party['role'])} options={ROLE_OPTIONS} />
            {save.error && !(save.error instanceof ApiError && save.error.fields.length > 0) ? <ErrorMessage error={save.error} /> : null}
            <Button type="submit" busy={save.isPending}>
              Save party
            </Button>
            <Button variant="secondary" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </form>
        </td>
      </tr>
    );
  }
  return (
    <tr>
      <td>{party.name}</td>
      <td>{ROLE_LABEL[party.role]}</td>
      <td>{matterNumber}</td>
      <td>{party.identifiers.map((i) => `${i.type}: ${i.value}`).join(', ')}</td>
      <td>
        <Button variant="secondary" onClick={() => setEditing(true)}>
          Edit
        </Button>{' '}
        <Button variant="secondary" onClick={onRemove}>
          Remove
        </Button>
      </td>
    </tr>
  );
}
