/**
 * What a client's portal contact reaches, answered for the choke point (`provides.access.clientReach`):
 * the contact is live and belongs to the target's client (access checked the client already), the
 * matter is one of theirs, and an item is one the portal shows them — a thread or file request on
 * their matters, a document shared with them, attached on their matters' threads or uploaded by
 * them, their client's consents, their own consent requests and export requests. Staff-only items (notes, records,
 * internal documents, disclosures, walls, team) are never reached: they are not on this list.
 */
import type { ClientReach } from '../../access/index.js';
import { unsafeConsentRequestOwner, unsafeContactOf, unsafeDocumentShownTo, unsafeExportRequestOwner } from './portal.repository.js';
import type { PortalContactsTable } from './portal.tables.js';

/** The matters a contact reaches: null for all of the client's. */
export function mattersOf(contact: Pick<PortalContactsTable, 'matter_scope' | 'matter_ids'>): string[] | null {
  return contact.matter_scope === 'all' ? null : (JSON.parse(contact.matter_ids) as string[]);
}

export const clientReach: ClientReach = async ({ ctx, actor, target, clientId, matterId }) => {
  const contact = await unsafeContactOf(ctx, actor.userId);
  if (!contact || contact.status !== 'active' || contact.client_id !== clientId) return false;
  const matters = mattersOf(contact);
  if (matterId !== null && matters !== null && !matters.includes(matterId)) return false;
  switch (target.kind) {
    case 'firm':
      return false;
    case 'client':
    case 'matter':
      return true;
    case 'object':
      switch (target.type) {
        case 'portal_thread':
        case 'portal_file_request':
          return matterId !== null;
        case 'document':
          return unsafeDocumentShownTo(ctx, contact, target.id, matters);
        case 'consent':
          return true;
        case 'portal_contact':
          // Only their own: their own contact row, a request asked of them, an export they asked for.
          return target.id === actor.userId;
        case 'portal_consent_request':
          return (await unsafeConsentRequestOwner(ctx, target.id)) === actor.userId;
        case 'portal_export_request':
          return (await unsafeExportRequestOwner(ctx, target.id)) === actor.userId;
        case 'certificate':
          // A certificate of destruction of their client (and, for a matter's, one of their matters: checked above).
          return true;
        default:
          return false;
      }
  }
};
