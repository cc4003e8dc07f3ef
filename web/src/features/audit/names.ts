// Names for the ids in an audit answer (the server's `names`: people, matter numbers; titles and
// client names only where the viewer may open them). The visible text is always a name; the raw id
// goes in a title attribute or the event's details, for verification.
import type { Names } from './api';

export interface NameBook {
  /** A person: their name; a system actor: "System (name)"; unknown: "Unknown person". */
  person(id: string | null | undefined, actorType?: string): string;
  /** A matter: "number — title" where the title may be shown, else the number. */
  matter(id: string | null | undefined): string;
  /** A client: the name where it may be shown, else "a client (name not shown)". */
  client(id: string | null | undefined): string;
}

export const EMPTY_NAMES: Names = { users: [], matters: [], clients: [] };

export function nameBook(names: Names | undefined): NameBook {
  const users = new Map((names?.users ?? []).map((u) => [u.id, u]));
  const matters = new Map((names?.matters ?? []).map((m) => [m.id, m]));
  const clients = new Map((names?.clients ?? []).map((c) => [c.id, c]));
  return {
    person: (id, actorType) => {
      if (actorType === 'system') return id ? `System (${id})` : 'System';
      if (actorType === 'anonymous') return 'Not signed in';
      if (!id) return 'Nobody';
      return users.get(id)?.name ?? 'Unknown person';
    },
    matter: (id) => {
      if (!id) return '';
      const m = matters.get(id);
      if (!m) return 'Unknown matter';
      return m.title ? `${m.number} — ${m.title}` : m.number;
    },
    client: (id) => {
      if (!id) return '';
      return clients.get(id)?.name ?? matterClientName(id) ?? 'a client (name not shown)';
    },
  };

  function matterClientName(clientId: string): string | null {
    for (const m of matters.values()) if (m.clientId === clientId && m.clientName) return m.clientName;
    return null;
  }
}
