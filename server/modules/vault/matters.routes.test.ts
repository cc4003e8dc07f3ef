import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildUser, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { conflictKey, searchKey } from './conflicts.names.js';
import { renderMatterNumber } from './matters.numbering.js';
import { parseMatterNumberFormat } from '../../config.js';

describe('names and numbers (pure)', () => {
  it('compares names without case, accents, punctuation or company suffixes', () => {
    expect(searchKey('  Café-Müller & Co. ')).toBe('cafe muller co');
    expect(conflictKey('GLOBEX, Inc.')).toBe('globex');
    expect(conflictKey('The Globex Corporation Ltd')).toBe('globex');
    expect(conflictKey('Globex Holdings')).toBe('globex holdings');
    expect(conflictKey('Ltd')).toBe('ltd');
  });

  it('renders and validates MATTER_NUMBER_FORMAT', () => {
    expect(renderMatterNumber('{year}-{seq:4}', { year: 2026, seq: 7, client: 0 })).toBe('2026-0007');
    expect(renderMatterNumber('C{client:3}/{year}/{seq}', { year: 2026, seq: 12, client: 5 })).toBe('C005/2026/12');
    const problems: string[] = [];
    parseMatterNumberFormat('{year}', problems);
    parseMatterNumberFormat('{year} {seq}', problems);
    parseMatterNumberFormat('{seq}-{seq}', problems);
    parseMatterNumberFormat('{nope}-{seq}', problems);
    expect(problems).toHaveLength(4);
    const fine: string[] = [];
    parseMatterNumberFormat('M-{year}-{seq:5}', fine);
    expect(fine).toEqual([]);
  });
});

describe.each(DIALECTS)('matters, parties and the conflict check on %s', (dialect) => {
  let instance: TestInstance;
  let alice: BuiltUser;
  let bob: BuiltUser;
  let carol: BuiltUser;
  let officer: BuiltUser;

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, user?: BuiltUser, payload?: unknown) =>
    instance.app.inject({ method, url, headers: user?.headers ?? {}, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const audit = (action: string) => instance.services.database.db.selectFrom('audit_event').selectAll().where('action', '=', action).execute();
  const unique = () => Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    alice = await buildUser(instance, { role: 'attorney' });
    bob = await buildUser(instance, { role: 'attorney' });
    carol = await buildUser(instance, { role: 'attorney' });
    officer = await buildUser(instance, { role: 'compliance_officer' });
  });
  afterAll(async () => instance?.close());

  async function client(user: BuiltUser, name: string, parties: unknown[] = []) {
    const response = await call('POST', '/api/v1/clients', user, { kind: 'organisation', name, parties });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; status: string; number: number; parties: { id: string; name: string }[] };
  }
  async function matter(user: BuiltUser, clientId: string, title: string, parties: unknown[] = []) {
    const response = await call('POST', '/api/v1/matters', user, { clientId, title, parties });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; number: string; status: string; clientName: string; leadName: string | null };
  }

  it('pickers: prefix search by word, case and accents ignored, within scope only; audited without the query', async () => {
    const tag = unique();
    const mine = await client(alice, `Société Générale ${tag}`);
    await client(bob, `Société Bobienne ${tag}`);
    const found = await call('POST', '/api/v1/clients/search', alice, { query: `societe` });
    const ids = found.json().items.map((c: { id: string }) => c.id);
    expect(ids).toContain(mine.id);
    // Bob's client is outside Alice's scope: never decrypted for her, never returned.
    expect(found.json().items.every((c: { name: string }) => !c.name.includes('Bobienne'))).toBe(true);
    expect((await call('POST', '/api/v1/clients/search', alice, { query: `GÉNÉ` })).json().items.map((c: { id: string }) => c.id)).toContain(mine.id);
    expect((await call('POST', '/api/v1/clients/search', alice, { query: `enerale` })).json().items.map((c: { id: string }) => c.id)).not.toContain(mine.id);
    const m = await matter(alice, mine.id, `Merger review ${tag}`);
    expect(m.clientName).toBe(`Société Générale ${tag}`);
    const byTitle = await call('POST', '/api/v1/matters/search', alice, { query: 'merger rev' });
    expect(byTitle.json().items.map((x: { id: string }) => x.id)).toContain(m.id);
    const byNumber = await call('POST', '/api/v1/matters/search', alice, { query: m.number });
    expect(byNumber.json().items.map((x: { id: string }) => x.id)).toEqual([m.id]);
    const byClient = await call('POST', '/api/v1/matters/search', alice, { query: 'generale' });
    expect(byClient.json().items.map((x: { id: string }) => x.id)).toContain(m.id);
    expect((await call('POST', '/api/v1/matters/search', bob, { query: 'merger rev' })).json().items.map((x: { id: string }) => x.id)).not.toContain(m.id);
    // Exact still works through the blind index.
    expect((await call('POST', '/api/v1/clients/search', alice, { name: `société générale ${tag}` })).json().items.map((c: { id: string }) => c.id)).toEqual([mine.id]);
    // Bad input names the field; nothing searched.
    const neither = await call('POST', '/api/v1/clients/search', alice, {});
    expect(neither.statusCode).toBe(400);
    expect(neither.json().error.fields[0].path).toBe('body.query');
    expect((await call('POST', '/api/v1/matters/search', alice, { query: '   ' })).json().error.fields[0].path).toBe('body.query');
    expect((await call('POST', '/api/v1/clients/search', undefined, { query: 'x' })).statusCode).toBe(401);
    const events = await audit('client.search');
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toMatch(/societe|GÉNÉ|enerale/i);
  });

  it('numbers matters {year}-{seq:4}: two concurrent creations never get the same number', async () => {
    const c = await client(alice, `Numbering ${unique()}`);
    const year = new Date(instance.services.clock.now()).getUTCFullYear();
    const created = await Promise.all(Array.from({ length: 8 }, (_, i) => call('POST', '/api/v1/matters', alice, { clientId: c.id, title: `Race ${i}` })));
    for (const response of created) expect(response.statusCode, response.body).toBe(201);
    const numbers = created.map((r) => r.json().number as string);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const number of numbers) expect(number).toMatch(new RegExp(`^${year}-\\d{4}$`));
    const seqs = numbers.map((n) => Number(n.slice(5))).sort((a, b) => a - b);
    expect(seqs[seqs.length - 1]! - seqs[0]!).toBe(numbers.length - 1);
  });

  it('edits, closes (date and reason) and reopens a matter, audited; refuses what does not make sense', async () => {
    const c = await client(alice, `Life ${unique()}`);
    const m = await matter(alice, c.id, 'Lease dispute');
    expect(m.leadName).toBe(alice.name);
    const edited = await call('PATCH', `/api/v1/matters/${m.id}`, alice, { title: 'Lease dispute (appeal)', description: 'Appeal of the 2025 ruling', practiceArea: 'litigation', leadUserId: bob.id });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ title: 'Lease dispute (appeal)', description: 'Appeal of the 2025 ruling', practiceArea: 'litigation', leadUserId: bob.id, leadName: bob.name });
    const notAttorney = await call('PATCH', `/api/v1/matters/${m.id}`, alice, { leadUserId: officer.id });
    expect(notAttorney.statusCode).toBe(400);
    expect(notAttorney.json().error.fields[0].path).toBe('body.leadUserId');
    const future = await call('POST', `/api/v1/matters/${m.id}/close`, alice, { reason: 'Settled', closedAt: instance.services.clock.now() + 86_400_000 });
    expect(future.json().error.fields[0].path).toBe('body.closedAt');
    const noReason = await call('POST', `/api/v1/matters/${m.id}/close`, alice, { closedAt: instance.services.clock.now() });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.fields[0].path).toContain('reason');
    const at = instance.services.clock.now() - 1;
    const closed = await call('POST', `/api/v1/matters/${m.id}/close`, alice, { reason: 'Settled out of court', closedAt: Math.max(at, edited.json().openedAt) });
    expect(closed.json()).toMatchObject({ status: 'closed', closeReason: 'Settled out of court', closedBy: alice.id });
    expect((await call('POST', `/api/v1/matters/${m.id}/close`, alice, { reason: 'again' })).statusCode).toBe(409);
    const reopened = await call('POST', `/api/v1/matters/${m.id}/reopen`, alice, {});
    expect(reopened.json()).toMatchObject({ status: 'open', closedAt: null, closeReason: null });
    expect((await call('POST', `/api/v1/matters/${m.id}/reopen`, alice, {})).statusCode).toBe(409);
    // Another lawyer: the same 404 as a missing matter, and the denial audited.
    const denied = await call('POST', `/api/v1/matters/${m.id}/close`, carol, { reason: 'x' });
    expect(denied.statusCode).toBe(404);
    expect((await call('POST', '/api/v1/matters/0190aaaa-0000-7000-8000-000000000000/close', carol, { reason: 'x' })).json().error.code).toBe(denied.json().error.code);
    expect((await audit('matter.update')).some((e) => e.outcome === 'denied' && e.matter_id === m.id)).toBe(true);
    expect((await audit('matter.closed')).some((e) => e.matter_id === m.id)).toBe(true);
    expect((await audit('matter.reopened')).some((e) => e.matter_id === m.id)).toBe(true);
    // The reason is sealed: not in the row, not in the audit log.
    const rows = await sql<{ row: string }>`select * from vault_matters`.execute(instance.services.database.db);
    expect(JSON.stringify(rows.rows)).not.toContain('Settled out of court');
    expect((await call('POST', `/api/v1/matters/${m.id}/close`, undefined, { reason: 'x' })).statusCode).toBe(401);
  });

  it('parties are captured, edited and sealed: the database never holds a party name in clear', async () => {
    const canary = `Canaryparty ${unique()}`;
    const c = await client(alice, `Parties ${unique()}`, [{ role: 'related', name: `${canary} Related`, identifiers: [{ type: 'company-number', value: 'CANARY-123' }] }]);
    expect(c.parties.map((p) => p.name)).toEqual([`${canary} Related`]);
    const m = await matter(alice, c.id, 'Contract claim', [{ role: 'opposing', name: `${canary} Opposing` }]);
    const view = await call('GET', `/api/v1/clients/${c.id}`, alice);
    expect(view.json().parties.map((p: { name: string }) => p.name).sort()).toEqual([`${canary} Opposing`, `${canary} Related`]);
    const added = await call('POST', `/api/v1/clients/${c.id}/parties`, alice, { role: 'opposing', name: `${canary} Third`, matterId: m.id });
    expect(added.statusCode, added.body).toBe(201);
    const renamed = await call('PATCH', `/api/v1/parties/${added.json().id}`, alice, { name: `${canary} Renamed` });
    expect(renamed.json().name).toBe(`${canary} Renamed`);
    expect((await call('PATCH', `/api/v1/parties/${added.json().id}`, carol, { name: 'x' })).statusCode).toBe(404);
    expect((await call('DELETE', `/api/v1/parties/${added.json().id}`, carol)).statusCode).toBe(404);
    const badRole = await call('POST', `/api/v1/clients/${c.id}/parties`, alice, { role: 'enemy', name: 'x' });
    expect(badRole.statusCode).toBe(400);
    expect(JSON.stringify(badRole.json().error.fields)).toContain('role');
    expect((await call('DELETE', `/api/v1/parties/${added.json().id}`, alice)).json()).toEqual({ deleted: true });
    const db = instance.services.database.db;
    const dump = JSON.stringify([(await sql`select * from vault_parties`.execute(db)).rows, (await sql`select * from vault_clients`.execute(db)).rows, (await sql`select * from vault_conflict_checks`.execute(db)).rows, (await sql`select * from audit_event`.execute(db)).rows]);
    expect(dump).not.toContain('Canaryparty');
    expect(dump.toLowerCase()).not.toContain('canaryparty');
    expect(dump).not.toContain('CANARY-123');
  });

  it('conflict check: a hit holds the intake; the requester learns only "referred"; the compliance officer sees the hits and decides; audited without names', async () => {
    const tag = unique();
    // Bob acts for Globex; Alice then takes a client against "GLOBEX, Inc." (normalised match) and another.
    const globex = await client(bob, `Globex ${tag} Corporation`);
    const one = await client(alice, `Initech ${tag}`, [{ role: 'opposing', name: `GLOBEX ${tag}, Inc.` }]);
    const five = await client(alice, `Initrode ${tag}`, [
      { role: 'opposing', name: `Globex ${tag} LLC` },
      { role: 'opposing', name: `globex ${tag}` },
      { role: 'opposing', name: `Globex ${tag} Corporation` },
      { role: 'opposing', name: `The Globex ${tag} Ltd` },
      { role: 'opposing', name: `GLOBEX ${tag} Limited` },
    ]);
    const clear = await client(alice, `Umbrella ${tag}`, [{ role: 'opposing', name: `Hooli ${tag}` }]);
    expect(clear.status).toBe('active');
    // One hit or five: the same answer, apart from ids, times and what the requester typed.
    expect(one.status).toBe('conflict_review');
    expect(five.status).toBe('conflict_review');
    const shape = (body: Record<string, unknown>) => Object.keys(body).sort();
    expect(shape(one)).toEqual(shape(five));
    // Nobody opens a held client, its requester included (the same 404 as a missing one).
    expect((await call('GET', `/api/v1/clients/${one.id}`, alice)).statusCode).toBe(404);
    expect((await call('POST', '/api/v1/matters', alice, { clientId: one.id, title: 'x' })).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/clients', alice)).json().items.map((c: { id: string }) => c.id)).not.toContain(one.id);
    const mine = (await call('GET', '/api/v1/conflict-checks/mine', alice)).json().items as { clientId: string; status: string; clientName: string }[];
    const mineOne = mine.find((i) => i.clientId === one.id)!;
    const mineFive = mine.find((i) => i.clientId === five.id)!;
    expect(mineOne).toMatchObject({ status: 'referred', clientName: `Initech ${tag}` });
    expect(shape(mineOne)).toEqual(shape(mineFive));
    expect(JSON.stringify(mine)).not.toContain('Globex');
    expect(JSON.stringify(mine)).not.toContain(globex.id);
    // An attorney cannot read the queue, a check or decide: 404, audited.
    const queue = await call('GET', '/api/v1/conflict-checks?status=referred', officer);
    expect(queue.statusCode, queue.body).toBe(200);
    const check = queue.json().items.find((i: { clientId: string }) => i.clientId === one.id);
    expect(check).toMatchObject({ status: 'referred', hitCount: 1, clientName: `Initech ${tag}`, requestedByName: alice.name });
    expect(queue.json().items.find((i: { clientId: string }) => i.clientId === five.id).hitCount).toBe(5);
    for (const user of [alice, bob]) {
      expect((await call('GET', '/api/v1/conflict-checks', user)).statusCode).toBe(404);
      expect((await call('GET', `/api/v1/conflict-checks/${check.id}`, user)).statusCode).toBe(404);
      expect((await call('POST', `/api/v1/conflict-checks/${check.id}/decide`, user, { decision: 'clear' })).statusCode).toBe(404);
    }
    expect((await call('GET', `/api/v1/conflict-checks/${check.id}`, undefined)).statusCode).toBe(401);
    expect((await audit('conflict.review')).filter((e) => e.outcome === 'denied').length).toBeGreaterThanOrEqual(6);
    // The officer sees which name matched which client, and decides.
    const detail = await call('GET', `/api/v1/conflict-checks/${check.id}`, officer);
    expect(detail.json().hits).toEqual([
      expect.objectContaining({ searchedName: `GLOBEX ${tag}, Inc.`, searchedAs: 'opposing', matchedKind: 'client', matchedName: `Globex ${tag} Corporation`, matchedClientId: globex.id, match: 'normalised' }),
    ]);
    expect((await audit('conflict.hit.read')).some((e) => e.client_id === globex.id)).toBe(true);
    const noNote = await call('POST', `/api/v1/conflict-checks/${check.id}/decide`, officer, { decision: 'waive' });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json().error.fields[0].path).toBe('body.note');
    const badDecision = await call('POST', `/api/v1/conflict-checks/${check.id}/decide`, officer, { decision: 'maybe' });
    expect(badDecision.statusCode).toBe(400);
    const waived = await call('POST', `/api/v1/conflict-checks/${check.id}/decide`, officer, { decision: 'waive', note: 'Informed consent in writing from both clients, 2 Dec' });
    expect(waived.json()).toMatchObject({ status: 'waived', decidedByName: officer.name, note: 'Informed consent in writing from both clients, 2 Dec' });
    expect((await call('POST', `/api/v1/conflict-checks/${check.id}/decide`, officer, { decision: 'clear' })).statusCode).toBe(409);
    // Released: the requester opens it and leads it.
    const opened = await call('GET', `/api/v1/clients/${one.id}`, alice);
    expect(opened.statusCode).toBe(200);
    expect(opened.json().status).toBe('active');
    const m = await matter(alice, one.id, 'Supply contract');
    expect(m.status).toBe('open');
    expect((await call('GET', '/api/v1/conflict-checks/mine', alice)).json().items.find((i: { clientId: string }) => i.clientId === one.id).status).toBe('open');
    // A matter with an adverse party is held too, then cleared.
    const heldMatter = await matter(bob, globex.id, 'Claim against Initech', [{ role: 'opposing', name: `initech ${tag}` }]);
    expect(heldMatter.status).toBe('conflict_review');
    expect((await call('GET', `/api/v1/matters/${heldMatter.id}`, bob)).statusCode).toBe(404);
    const matterCheck = (await call('GET', '/api/v1/conflict-checks?status=referred', officer)).json().items.find((i: { matterId: string | null }) => i.matterId === heldMatter.id);
    expect(matterCheck).toMatchObject({ subject: 'matter', matterNumber: heldMatter.number, matterTitle: 'Claim against Initech' });
    const walled = await call('POST', `/api/v1/conflict-checks/${matterCheck.id}/decide`, officer, { decision: 'wall' });
    expect(walled.json().status).toBe('walled');
    expect((await call('GET', `/api/v1/matters/${heldMatter.id}`, bob)).json().status).toBe('open');
    // Audited with ids and counts, never a name.
    const events = [...(await audit('conflict.check')), ...(await audit('conflict.decided')), ...(await audit('conflict.hit.read'))];
    expect(events.some((e) => e.reason === 'REFERRED' && e.client_id === five.id && e.purpose === 'hit_count:5')).toBe(true);
    expect(events.some((e) => e.reason === 'WAIVED' && e.client_id === one.id)).toBe(true);
    expect(JSON.stringify(events).toLowerCase()).not.toContain('globex');
    expect(JSON.stringify(events)).not.toContain('Informed consent');
  });
});
