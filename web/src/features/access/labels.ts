// How the access pages name matters, clients and people: numbers and names from the server, never
// a bare id. A title or client name the server withheld (you may not open it) is simply left out.
import type { ClientLabel, MatterLabel } from './api';

/** "2026-0042 — Harbour acquisition", or the number alone when the title is withheld. */
export function matterText(matter: MatterLabel | null | undefined, fallback = 'a matter'): string {
  if (!matter) return fallback;
  return matter.title ? `${matter.number} — ${matter.title}` : matter.number;
}

/** The client's name, or a plain phrase when it is withheld from you. */
export function clientText(client: ClientLabel | null | undefined): string {
  return client?.name ?? 'a client (name not shown to you)';
}

/** What a wall covers, in words. */
export function coversText(wall: { matter: MatterLabel | null; client: ClientLabel | null; matterId: string | null }): string {
  if (wall.matterId) return `Matter ${matterText(wall.matter)}${wall.matter?.clientName ? ` (${wall.matter.clientName})` : ''}`;
  return `All matters of ${clientText(wall.client)}`;
}

/** A person's name, with a neutral phrase when the account no longer exists. */
export function personText(name: string | null | undefined): string {
  return name ?? 'a former staff member';
}
