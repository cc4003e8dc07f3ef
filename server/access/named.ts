/**
 * The label fields of access's views, from `describeTargets` (labels.ts): people by name and
 * e-mail, matters by number (title and client name only where the viewer may open them), clients
 * by name only where the viewer may open them. An id nobody could label comes back null.
 */
import type { TargetLabels } from './labels.js';

export interface MatterRef {
  id: string;
  number: string;
  /** Null unless the viewer may open the matter. */
  title: string | null;
  clientId: string;
  /** Null unless the viewer may open the matter. */
  clientName: string | null;
}

export interface ClientRef {
  id: string;
  /** Null unless the viewer may open the client. */
  name: string | null;
}

export function matterRef(labels: TargetLabels, matterId: string | null | undefined): MatterRef | null {
  const label = matterId ? labels.matters.get(matterId) : undefined;
  return label && matterId ? { id: matterId, number: label.number, title: label.title, clientId: label.clientId, clientName: label.clientName } : null;
}

export function clientRef(labels: TargetLabels, clientId: string | null | undefined): ClientRef | null {
  const label = clientId ? labels.clients.get(clientId) : undefined;
  return label && clientId ? { id: clientId, name: label.name } : null;
}

export function nameOf(labels: TargetLabels, userId: string | null | undefined): string | null {
  return userId ? (labels.users.get(userId)?.name ?? null) : null;
}

export function emailOf(labels: TargetLabels, userId: string | null | undefined): string | null {
  return userId ? (labels.users.get(userId)?.email ?? null) : null;
}
