/**
 * The access matrix for the client actor (issue 16, point 2): every permission × a contact (all
 * matters, one matter, disabled, the other client's) × every kind of target (their client, their
 * matter, a matter not shared with them, another client and its matter, a document shared with
 * them, one shared with another contact, an internal one, a thread on their matter and on one not
 * theirs, a note) — against an expected decision spelled out here, not derived from the code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientId, UserId } from '../../../common/ids.js';
import { PERMISSIONS, type Permission } from '../../../common/permissions.js';
import { canAccess, type AccessTarget } from '../../access/index.js';
import type { RequestContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildDocument, buildMatter, buildPortalContact, type BuiltPortalContact } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

type Who = 'all' | 'listed' | 'disabled' | 'stranger';
type Place = 'own_client' | 'own_matter' | 'unshared_matter' | 'other_client' | 'other_matter' | 'doc_shared' | 'doc_shared_other_contact' | 'doc_internal' | 'thread_own' | 'thread_unshared' | 'note';

/** The product's rule, written out: only the two client permissions, only live contacts, only what they reach. */
function expected(who: Who, permission: Permission, place: Place): boolean {
  if (permission !== 'portal.read' && permission !== 'portal.write') return false;
  if (who === 'disabled') return false;
  // The other client's contact: their own client and matter are "other" here, and nothing else is theirs.
  if (who === 'stranger') return place === 'other_client' || place === 'other_matter';
  const reached: Record<Place, boolean> = {
    own_client: true,
    own_matter: true,
    thread_own: true,
    doc_shared: true,
    // Only the contact for all matters reaches the matter not shared with the limited one.
    unshared_matter: who === 'all',
    thread_unshared: who === 'all',
    other_client: false,
    other_matter: false,
    doc_shared_other_contact: false,
    doc_internal: false,
    note: false,
  };
  return reached[place];
}

describe.each(DIALECTS)('the client actor at the choke point on %s', (dialect) => {
  let instance: TestInstance;
  const contacts = new Map<Who, BuiltPortalContact>();
  const places = new Map<Place, AccessTarget>();

  const asContact = (contact: BuiltPortalContact): RequestContext => ({
    ...instance.system(),
    requestId: newId(),
    actor: { kind: 'user', userId: contact.id, role: 'client', clientId: contact.clientId as ClientId, sessionId: newId(), tokenId: null, mfaAt: instance.clock.now() },
  });
  const post = async (url: string, headers: Record<string, string>, payload: unknown) => {
    const response = await instance.app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload: payload as string });
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.json();
  };

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    const own = await buildMatter(instance, { title: 'Theirs' });
    const unshared = await buildMatter(instance, { client: own.client, lead: own.lead, title: 'Not shared with the limited contact' });
    const other = await buildMatter(instance, { title: 'Another client' });
    contacts.set('all', await buildPortalContact(instance, { matter: own }));
    contacts.set('listed', await buildPortalContact(instance, { matter: own, matterScope: 'listed' }));
    contacts.set('disabled', await buildPortalContact(instance, { matter: own }));
    contacts.set('stranger', await buildPortalContact(instance, { matter: other }));
    await post(`/portal-contacts/${contacts.get('disabled')!.id}/disable`, own.lead.headers, {});
    const shared = await buildDocument(instance, { matter: own, name: 'Shared.pdf' });
    const sharedOther = await buildDocument(instance, { matter: own, name: 'Shared with someone else.pdf' });
    const internal = await buildDocument(instance, { matter: own, name: 'Internal.pdf' });
    for (const who of ['all', 'listed', 'disabled'] as const) {
      if (who !== 'disabled') await post(`/documents/${shared.id}/portal-shares`, own.lead.headers, { contactId: contacts.get(who)!.id });
    }
    const bystander = await buildPortalContact(instance, { matter: own });
    await post(`/documents/${sharedOther.id}/portal-shares`, own.lead.headers, { contactId: bystander.id });
    const threadOwn = await post(`/matters/${own.id}/threads`, own.lead.headers, { subject: 's', body: 'b' });
    const threadUnshared = await post(`/matters/${unshared.id}/threads`, own.lead.headers, { subject: 's', body: 'b' });
    const note = await post(`/matters/${own.id}/notes`, own.lead.headers, { title: 'Strategy', body: 'internal' });
    places.set('own_client', { kind: 'client', clientId: own.clientId });
    places.set('own_matter', { kind: 'matter', matterId: own.id });
    places.set('unshared_matter', { kind: 'matter', matterId: unshared.id });
    places.set('other_client', { kind: 'client', clientId: other.clientId });
    places.set('other_matter', { kind: 'matter', matterId: other.id });
    places.set('doc_shared', { kind: 'object', type: 'document', id: shared.id });
    places.set('doc_shared_other_contact', { kind: 'object', type: 'document', id: sharedOther.id });
    places.set('doc_internal', { kind: 'object', type: 'document', id: internal.id });
    places.set('thread_own', { kind: 'object', type: 'portal_thread', id: threadOwn.thread.id });
    places.set('thread_unshared', { kind: 'object', type: 'portal_thread', id: threadUnshared.thread.id });
    places.set('note', { kind: 'object', type: 'note', id: note.id });
  });
  afterAll(async () => {
    await instance?.close();
  });

  it('decides every permission × contact × target as the product defines it', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const [who, contact] of contacts) {
      const ctx = asContact(contact);
      for (const permission of PERMISSIONS) {
        for (const [place, target] of places) {
          const got = await canAccess(ctx, permission, target);
          checked += 1;
          if (got !== expected(who, permission, place)) mismatches.push(`${who} ${permission} ${place}: ${got}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(4 * PERMISSIONS.length * 11);
  });

  it('a contact with a made-up client id in their session reaches nothing', async () => {
    const contact = contacts.get('all')!;
    const forged: RequestContext = { ...asContact(contact), actor: { kind: 'user', userId: contact.id as UserId, role: 'client', clientId: places.get('other_client')!.kind === 'client' ? (places.get('other_client') as { clientId: ClientId }).clientId : ('x' as ClientId), sessionId: newId(), tokenId: null, mfaAt: instance.clock.now() } };
    for (const place of ['own_client', 'own_matter', 'other_client', 'other_matter'] as const) expect(await canAccess(forged, 'portal.read', places.get(place)!)).toBe(false);
  });
});
