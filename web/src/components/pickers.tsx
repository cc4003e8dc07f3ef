/**
 * The pickers every form uses to name a person, a client or a matter: each searches the server
 * (a POST, so what was typed never appears in a URL or an access log) and offers only what the
 * signed-in user may see — people by name or e-mail, clients by name, matters by number, title
 * or client name.
 */
import { api } from '../api/client';
import { Picker, type PickerOption } from './Picker';

export interface TypedPickerProps {
  label: string;
  value: PickerOption | null;
  onChange: (option: PickerOption | null) => void;
  name?: string;
  hint?: string;
  error?: string | null;
  required?: boolean;
  disabled?: boolean;
  placeholder?: string;
  /** Leave these out of the choices (e.g. people already on the team). */
  exclude?: ReadonlySet<string>;
}

const LIMIT = 10;
const without = (options: PickerOption[], exclude?: ReadonlySet<string>) => (exclude ? options.filter((o) => !exclude.has(o.id)) : options);

export async function searchPeople(query: string, signal?: AbortSignal): Promise<PickerOption[]> {
  const { data } = await api.POST('/api/v1/people/search', { body: { query, limit: LIMIT }, signal });
  return (data?.items ?? []).map((p) => ({ id: p.id, label: p.name, detail: p.status === 'leaving' ? `${p.email} · leaving` : p.email }));
}

export async function searchClients(query: string, signal?: AbortSignal): Promise<PickerOption[]> {
  const { data } = await api.POST('/api/v1/clients/search', { params: { query: { limit: LIMIT } }, body: { query, match: 'prefix' }, signal });
  return (data?.items ?? []).map((c) => ({ id: c.id, label: c.name || 'Client (name destroyed)', detail: c.kind === 'person' ? 'Person' : 'Organisation' }));
}

export async function searchMatters(query: string, signal?: AbortSignal, clientId?: string): Promise<PickerOption[]> {
  const { data } = await api.POST('/api/v1/matters/search', { params: { query: { limit: LIMIT } }, body: { query, match: 'prefix', ...(clientId ? { clientId } : {}) }, signal });
  return (data?.items ?? []).map((m) => ({ id: m.id, label: `${m.number} — ${m.title}`, detail: m.clientName || undefined }));
}

/**
 * Matters by the start of their number, for compliance officers, who wall and report on matters
 * they may not open: the number always, the title only where they may open the matter.
 */
export async function searchMattersByNumber(query: string, signal?: AbortSignal): Promise<PickerOption[]> {
  const { data } = await api.POST('/api/v1/walls/targets/search', { body: { query, limit: LIMIT }, signal });
  return (data?.matters ?? []).map((m) => ({ id: m.id, label: m.title ? `${m.number} — ${m.title}` : m.number, detail: m.clientName ?? undefined }));
}

/** What a search of both kinds finds, once per matter (an openable match first: it carries the title). */
async function searchMattersWithOversight(query: string, signal?: AbortSignal, clientId?: string): Promise<PickerOption[]> {
  const [open, byNumber] = await Promise.all([searchMatters(query, signal, clientId), searchMattersByNumber(query, signal).catch(() => [])]);
  const seen = new Set(open.map((o) => o.id));
  return [...open, ...byNumber.filter((o) => !seen.has(o.id))];
}

export function PersonPicker({ exclude, placeholder, ...props }: TypedPickerProps) {
  return <Picker {...props} placeholder={placeholder ?? 'Name or e-mail'} search={async (q, signal) => without(await searchPeople(q, signal), exclude)} />;
}

export function ClientPicker({ exclude, placeholder, ...props }: TypedPickerProps) {
  return <Picker {...props} placeholder={placeholder ?? 'Client name'} search={async (q, signal) => without(await searchClients(q, signal), exclude)} />;
}

/**
 * `oversight`: also matters found by number that the user may not open (compliance officers
 * walling or reporting on a matter) — labelled by number only.
 */
export function MatterPicker({ exclude, placeholder, clientId, oversight, ...props }: TypedPickerProps & { clientId?: string; oversight?: boolean }) {
  const search = oversight ? searchMattersWithOversight : searchMatters;
  return <Picker {...props} placeholder={placeholder ?? (oversight ? 'Matter number (or title, where you may open it)' : 'Matter number, title or client')} search={async (q, signal) => without(await search(q, signal, clientId), exclude)} />;
}
