// How the hold pages say scopes and states: plain words, one place.
import type { Hold, HoldScope } from './api';

export const SCOPE_LABELS: Record<HoldScope, string> = {
  matter: 'One matter',
  client: 'The whole client',
  custodian: 'A custodian’s items',
  documents: 'Named documents',
};

export const SCOPE_HINTS: Record<HoldScope, string> = {
  matter: 'Everything in the matter — documents and their versions, notes, physical records — is frozen.',
  client: 'Every matter of the client is frozen, and none of the client’s keys can be destroyed.',
  custodian: 'The documents and notes one person created, and the physical records in their custody — in one matter, or across the client when no matter is chosen.',
  documents: 'Only the documents you choose, in one matter.',
};

/** What a hold covers, in a phrase ("The whole matter", "What Alice Attorney created or keeps"). */
export function coversText(hold: Pick<Hold, 'scope' | 'custodian' | 'documentIds' | 'matter'>): string {
  switch (hold.scope) {
    case 'client':
      return 'Everything of the client';
    case 'matter':
      return 'The whole matter';
    case 'custodian':
      return `What ${hold.custodian?.name ?? 'the custodian'} created or keeps${hold.matter ? ' in the matter' : ' for the client'}`;
    case 'documents':
      return hold.documentIds.length === 1 ? '1 named document' : `${hold.documentIds.length} named documents`;
    default:
      return String(hold.scope);
  }
}

/** "2 of 3" acknowledged. */
export function acknowledgedText(hold: Pick<Hold, 'notices'>): string {
  if (hold.notices.length === 0) return 'Nobody notified';
  return `${hold.notices.filter((n) => n.acknowledgedAt !== null).length} of ${hold.notices.length}`;
}
