/**
 * The vault findings of the security review (issue 12), from the attacker's side: unaudited and
 * fail-open lists and searches (2), blind indexes that survive crypto-shredding and link equal
 * names across clients (9), and missing notes and records that answer differently from forbidden
 * ones (11).
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientId } from '../../../common/ids.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildClient, buildMatter, buildUser, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { blindIndex, hkdf } from '../../platform/crypto/key-wrap.js';
import { blindIndexKey, unsafeRotateClientKey, unsafeRotateMasterKey, unsafeShredClientKeys } from '../keys/index.js';
import { findClients, findMatters, prepareClientExport, reindexBlindIndexes } from './index.js';

const randomUuidLike = () => `0190${randomBytes(2).toString('hex')}-0000-7000-8000-${randomBytes(6).toString('hex')}`;

interface EventRow {
  action: string;
  outcome: string;
  reason: string | null;
  client_id: string | null;
  matter_id: string | null;
  other_type: string | null;
  other_id: string | null;
  purpose: string | null;
}

describe.each(DIALECTS)('vault security review on %s', (dialect) => {
  let instance: TestInstance;
  let alice: BuiltUser;
  let bob: BuiltUser;

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, user?: BuiltUser, payload?: unknown) =>
    instance.app.inject({ method, url, headers: { ...(user?.headers ?? {}) }, ...(payload !== undefined ? { payload: payload as string } : {}) });

  async function eventsOf(requestId: unknown): Promise<EventRow[]> {
    return instance.services.database.db
      .selectFrom('audit_event')
      .select(['action', 'outcome', 'reason', 'client_id', 'matter_id', 'other_type', 'other_id', 'purpose'])
      .where('request_id', '=', String(requestId))
      .orderBy('seq')
      .execute() as Promise<EventRow[]>;
  }

  /** A client named `name` created by `user`, with one matter (the factories throw unless both answer 201). */
  const newClient = async (user: BuiltUser, name: string, title = 'Acme v. Globex') => buildMatter(instance, { client: await buildClient(instance, { by: user, name }), title });

  /** Makes every audit append fail (the tree state is gone), runs `work`, then puts it back. */
  async function withAuditUnwritable(work: () => Promise<void>): Promise<void> {
    const db = instance.services.database.db;
    await sql`alter table audit_tree_state rename to audit_tree_state_offline`.execute(db);
    try {
      await work();
    } finally {
      await sql`alter table audit_tree_state_offline rename to audit_tree_state`.execute(db);
    }
  }

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    alice = await buildUser(instance, { role: 'attorney' });
    bob = await buildUser(instance, { role: 'attorney' });
  });
  afterAll(async () => instance?.close());

  describe('lists and searches are audited, one event per request, before any data (item 2)', () => {
    it('each list and search of clients and matters leaves exactly one event with the count, never the searched value', async () => {
      const name = `Listed ${randomBytes(4).toString('hex')}`;
      const { clientId, matterId } = await newClient(alice, name, `${name} matter`);
      await newClient(alice, `${name} other`);
      const cases: { method: 'GET' | 'POST'; url: string; body?: unknown; action: string }[] = [
        { method: 'GET', url: '/api/v1/clients', action: 'client.list' },
        { method: 'POST', url: '/api/v1/clients/search', body: { name }, action: 'client.search' },
        { method: 'GET', url: '/api/v1/matters', action: 'matter.list' },
        { method: 'GET', url: `/api/v1/matters?clientId=${clientId}`, action: 'matter.list' },
        { method: 'POST', url: '/api/v1/matters/search', body: { title: `${name} matter` }, action: 'matter.search' },
      ];
      for (const c of cases) {
        const response = await call(c.method, c.url, alice, c.body);
        expect(response.statusCode, c.url).toBe(200);
        const items = response.json().items as { id: string }[];
        expect(items.length, c.url).toBeGreaterThan(0);
        const events = await eventsOf(response.headers['x-request-id']);
        expect(events, c.url).toHaveLength(1);
        expect(events[0]).toMatchObject({ action: c.action, outcome: 'allowed', other_type: 'result_count', other_id: String(items.length) });
        expect(JSON.stringify(events), c.url).not.toContain(name);
      }
      // A search that finds one row names it; the matters of one client name the client.
      const one = await call('POST', '/api/v1/clients/search', alice, { name });
      expect((await eventsOf(one.headers['x-request-id']))[0]).toMatchObject({ client_id: clientId, other_id: '1' });
      const ofClient = await call('GET', `/api/v1/matters?clientId=${clientId}`, alice);
      expect((await eventsOf(ofClient.headers['x-request-id']))[0]).toMatchObject({ client_id: clientId, matter_id: matterId });
      // Nothing found is recorded too (a probe is an access attempt), with a zero count.
      const none = await call('POST', '/api/v1/clients/search', bob, { name });
      expect(none.json().items).toHaveLength(0);
      expect(await eventsOf(none.headers['x-request-id'])).toMatchObject([{ action: 'client.search', other_id: '0', client_id: null }]);
    });

    it('matter-scoped lists (documents, notes, records) leave exactly one event each', async () => {
      const { matterId } = await newClient(alice, 'Scoped Lists Ltd');
      await call('POST', `/api/v1/matters/${matterId}/notes`, alice, { title: 'n', body: 'b' });
      await call('POST', `/api/v1/matters/${matterId}/records`, alice, { label: 'Box', location: 'Shelf' });
      for (const [kind, action] of [['documents', 'document.read'], ['notes', 'note.read'], ['records', 'record.read']] as const) {
        const response = await call('GET', `/api/v1/matters/${matterId}/${kind}`, alice);
        expect(response.statusCode).toBe(200);
        expect(await eventsOf(response.headers['x-request-id']), kind).toMatchObject([{ action, outcome: 'allowed', matter_id: matterId }]);
      }
    });

    it('answers 503 AUDIT_UNAVAILABLE, with no data, when the event cannot be written', async () => {
      const name = `Unwritable ${randomBytes(4).toString('hex')}`;
      const { clientId, matterId } = await newClient(alice, name, `${name} matter`);
      await call('POST', `/api/v1/matters/${matterId}/notes`, alice, { title: `${name} note`, body: 'secret body' });
      await withAuditUnwritable(async () => {
        for (const [method, url, body] of [
          ['GET', '/api/v1/clients'],
          ['POST', '/api/v1/clients/search', { name }],
          ['GET', '/api/v1/matters'],
          ['GET', `/api/v1/matters?clientId=${clientId}`],
          ['POST', '/api/v1/matters/search', { title: `${name} matter` }],
          ['GET', `/api/v1/matters/${matterId}/notes`],
          ['GET', `/api/v1/matters/${matterId}/documents`],
          ['GET', `/api/v1/matters/${matterId}/records`],
        ] as const) {
          const response = await call(method, url, alice, body);
          expect(response.statusCode, url).toBe(503);
          expect(response.json().error.code, url).toBe('AUDIT_UNAVAILABLE');
          expect(response.body, url).not.toContain(name);
          expect(response.body, url).not.toContain(clientId);
        }
      });
      // Writable again: the same list answers.
      expect((await call('GET', '/api/v1/clients', alice)).statusCode).toBe(200);
    });

    it('a client export records its event before the archive starts (so a failure is still a 503, not a cut-off 200)', async () => {
      const { clientId } = await newClient(alice, 'Export Ordering Ltd');
      const ctx = instance.system('export-test');
      const before = await instance.services.database.db.selectFrom('audit_event').select('seq').where('action', '=', 'client.export').where('other_type', '=', 'export_documents').where('client_id', '=', clientId).execute();
      expect(before).toHaveLength(0);
      await prepareClientExport(ctx, clientId as ClientId, { recipients: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'] });
      // Prepared, not a byte written yet: the export (with its document count) is already on record.
      const after = await instance.services.database.db.selectFrom('audit_event').select('other_id').where('action', '=', 'client.export').where('other_type', '=', 'export_documents').where('client_id', '=', clientId).execute();
      expect(after).toEqual([{ other_id: '0' }]);
    });
  });

  describe('missing notes and records look and log like forbidden ones (item 11)', () => {
    it('answers the same 404 and records a NOT_FOUND denial for a random note or record id, reads and writes', async () => {
      const { matterId } = await newClient(alice, 'Missing Things Ltd');
      const note = (await call('POST', `/api/v1/matters/${matterId}/notes`, alice, { title: 'n', body: 'b' })).json();
      const record = (await call('POST', `/api/v1/matters/${matterId}/records`, alice, { label: 'Box', location: 'Shelf' })).json();
      const forbiddenNote = await call('GET', `/api/v1/notes/${note.id}`, bob);
      const forbiddenRecord = await call('GET', `/api/v1/records/${record.id}`, bob);
      expect(forbiddenNote.statusCode).toBe(404);
      expect(await eventsOf(forbiddenNote.headers['x-request-id'])).toMatchObject([{ action: 'note.read', outcome: 'denied' }]);
      const cases: { method: 'GET' | 'PATCH' | 'DELETE' | 'POST'; url: (id: string) => string; body?: unknown; action: string; type: 'note' | 'record'; forbidden: typeof forbiddenNote }[] = [
        { method: 'GET', url: (id) => `/api/v1/notes/${id}`, action: 'note.read', type: 'note', forbidden: forbiddenNote },
        { method: 'PATCH', url: (id) => `/api/v1/notes/${id}`, body: { body: 'x', revision: 1 }, action: 'note.write', type: 'note', forbidden: forbiddenNote },
        { method: 'DELETE', url: (id) => `/api/v1/notes/${id}`, action: 'note.write', type: 'note', forbidden: forbiddenNote },
        { method: 'GET', url: (id) => `/api/v1/records/${id}`, action: 'record.read', type: 'record', forbidden: forbiddenRecord },
        { method: 'POST', url: (id) => `/api/v1/records/${id}/check-out`, action: 'record.write', type: 'record', forbidden: forbiddenRecord },
      ];
      for (const c of cases) {
        const id = randomUuidLike();
        const response = await call(c.method, c.url(id), alice, c.body);
        expect(response.statusCode, c.url(id)).toBe(404);
        expect(response.json().error.code).toBe(c.forbidden.json().error.code);
        expect(response.json().error.message).toBe(c.forbidden.json().error.message);
        expect(Object.keys(response.json().error).sort()).toEqual(Object.keys(c.forbidden.json().error).sort());
        expect(await eventsOf(response.headers['x-request-id']), c.url(id)).toMatchObject([{ action: c.action, outcome: 'denied', reason: 'NOT_FOUND', other_type: c.type, other_id: id }]);
      }
      // A deleted note is missing too: the same denial, not an "allowed" read that then finds nothing.
      expect((await call('DELETE', `/api/v1/notes/${note.id}`, alice)).statusCode).toBe(200);
      const gone = await call('GET', `/api/v1/notes/${note.id}`, alice);
      expect(gone.statusCode).toBe(404);
      expect(await eventsOf(gone.headers['x-request-id'])).toMatchObject([{ action: 'note.read', outcome: 'denied', reason: 'NOT_FOUND' }]);
    });
  });

  describe('blind indexes are per client and die with its key (item 9)', () => {
    const indexes = async (table: 'vault_clients' | 'vault_matters', ids: string[]) => {
      const column = table === 'vault_clients' ? 'name_index' : 'title_index';
      const rows = await sql<{ id: string; token: string }>`select id, ${sql.ref(column)} as token from ${sql.table(table)} where id in (${sql.join(ids)})`.execute(instance.services.database.db);
      return new Map(rows.rows.map((r) => [r.id, r.token]));
    };

    it('equal names under two clients are not linkable; after shredding one, nobody (not even the system) finds it by its exact name', async () => {
      const name = `Twin Holdings ${randomBytes(4).toString('hex')}`;
      const title = `${name} v. Globex`;
      const a = await newClient(alice, name, title);
      const b = await newClient(alice, name, title);
      const names = await indexes('vault_clients', [a.clientId, b.clientId]);
      const titles = await indexes('vault_matters', [a.matterId, b.matterId]);
      // A database dump does not tell that the two clients (or the two matters) have the same name.
      expect(names.get(a.clientId)).not.toBe(names.get(b.clientId));
      expect(titles.get(a.matterId)).not.toBe(titles.get(b.matterId));

      const system = instance.system('search-test');
      const clientIds = async () => (await findClients(system, { limit: 50, after: null }, { name })).items.map((c) => c.id).sort();
      const matterIds = async () => (await findMatters(system, { limit: 50, after: null }, { title })).items.map((m) => m.id).sort();
      expect(await clientIds()).toEqual([a.clientId, b.clientId].sort());
      expect(await matterIds()).toEqual([a.matterId, b.matterId].sort());

      await unsafeShredClientKeys(system, a.clientId as ClientId);
      expect(await clientIds()).toEqual([b.clientId]);
      expect(await matterIds()).toEqual([b.matterId]);
      const viaApi = await call('POST', '/api/v1/clients/search', alice, { name: name.toUpperCase() });
      expect(viaApi.json().items.map((c: { id: string }) => c.id)).toEqual([b.clientId]);
      expect((await call('POST', '/api/v1/matters/search', alice, { title })).json().items.map((m: { id: string }) => m.id)).toEqual([b.matterId]);
      // The stored values of the shredded client are gone, not merely unopenable.
      expect((await indexes('vault_clients', [a.clientId])).get(a.clientId)).not.toBe(names.get(a.clientId));
      expect((await indexes('vault_matters', [a.matterId])).get(a.matterId)).not.toBe(titles.get(a.matterId));

      // Master-key rotation neither revives the shredded client's index nor breaks the live one.
      await unsafeRotateMasterKey(system);
      expect(await clientIds()).toEqual([b.clientId]);
      expect(await matterIds()).toEqual([b.matterId]);
    });

    it('re-indexes rows still under the old firm-wide token at start: live clients under their own key, shredded ones wiped (idempotent, audited)', async () => {
      const name = `Legacy ${randomBytes(4).toString('hex')}`;
      const live = await newClient(alice, name, `${name} title`);
      const shredded = await newClient(alice, name, `${name} title`);
      const system = instance.system('legacy-test');
      await unsafeShredClientKeys(system, shredded.clientId as ClientId);
      // As the rows were before per-client indexes: the firm-wide token, no key version.
      const firmKey = await blindIndexKey(system);
      const legacy = (purpose: string, value: string) => blindIndex(hkdf(firmKey, Buffer.alloc(0), `confidant/blind-index/${purpose}/v1`), value);
      const db = instance.services.database.db;
      for (const c of [live, shredded]) {
        await db.updateTable('vault_clients').set({ name_index: legacy('client-name', name), name_index_key_version: null }).where('id', '=', c.clientId).execute();
        await db.updateTable('vault_matters').set({ title_index: legacy('matter-title', `${name} title`), title_index_key_version: null }).where('id', '=', c.matterId).execute();
      }
      // Before the re-index, the legacy token still finds the live client, never the shredded one.
      expect((await findClients(system, { limit: 50, after: null }, { name })).items.map((c) => c.id)).toEqual([live.clientId]);
      const result = await reindexBlindIndexes(instance.services);
      expect(result).toEqual({ reindexed: 2, wiped: 2, failed: 0 });
      const rows = await db.selectFrom('vault_clients').select(['id', 'name_index', 'name_index_key_version']).where('id', 'in', [live.clientId, shredded.clientId]).execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(live.clientId)).toMatchObject({ name_index_key_version: 1 });
      expect(byId.get(live.clientId)!.name_index).not.toBe(legacy('client-name', name));
      expect(byId.get(shredded.clientId)).toMatchObject({ name_index: '', name_index_key_version: 0 });
      expect((await findClients(system, { limit: 50, after: null }, { name })).items.map((c) => c.id)).toEqual([live.clientId]);
      expect((await findMatters(system, { limit: 50, after: null }, { title: `${name} title` })).items.map((m) => m.id)).toEqual([live.matterId]);
      const events = await db.selectFrom('audit_event').select(['reason', 'other_id']).where('action', '=', 'vault.reindex').orderBy('seq').execute();
      expect(events).toEqual([{ reason: 'CLIENT_NAMES', other_id: '1:1' }, { reason: 'MATTER_TITLES', other_id: '1:1' }]);
      // Idempotent: nothing left to do, nothing recorded.
      expect(await reindexBlindIndexes(instance.services)).toEqual({ reindexed: 0, wiped: 0, failed: 0 });
      expect(await db.selectFrom('audit_event').select('seq').where('action', '=', 'vault.reindex').execute()).toHaveLength(2);
    });

    it('search keeps working across a client key rotation (old rows under v1, renamed ones under v2)', async () => {
      const name = `Rotating ${randomBytes(4).toString('hex')}`;
      const { clientId, matterId } = await newClient(alice, `${name} old`, `${name} title`);
      await unsafeRotateClientKey(instance.system('rotate-test'), clientId as ClientId);
      expect((await call('PATCH', `/api/v1/clients/${clientId}`, alice, { name })).statusCode).toBe(200);
      const second = (await call('POST', '/api/v1/matters', alice, { clientId, title: `${name} title` })).json().id as string;
      expect((await call('POST', '/api/v1/clients/search', alice, { name })).json().items.map((c: { id: string }) => c.id)).toEqual([clientId]);
      expect((await call('POST', '/api/v1/clients/search', alice, { name: `${name} old` })).json().items).toHaveLength(0);
      const found = (await call('POST', '/api/v1/matters/search', alice, { title: `${name} title` })).json().items.map((m: { id: string }) => m.id);
      expect(found.sort()).toEqual([matterId, second].sort());
      // Paging through matches: one per page.
      const first = await call('POST', '/api/v1/matters/search?limit=1', alice, { title: `${name} title` });
      expect(first.json().items).toHaveLength(1);
      const next = await call('POST', `/api/v1/matters/search?limit=1&after=${first.json().nextCursor}`, alice, { title: `${name} title` });
      expect(next.json().items).toHaveLength(1);
      expect(next.json().nextCursor).toBeNull();
    });
  });
});
