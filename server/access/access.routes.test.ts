/**
 * The access API through HTTP with real identity (tokens and sessions) and the real audit log:
 * denial tests (401, 400 naming the field, 404 + audited), walls effective on the next request of
 * an already-open token, acknowledgements, requests, break-glass, gates, the screening notice,
 * and the decision matrix through `GET /access/decision`.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientId, MatterId, UserId } from '../../common/ids.js';
import { PERMISSIONS } from '../../common/permissions.js';
import { FIRM_ROLES, MATTER_ROLES, type FirmRole, type MatterRole } from '../../common/roles.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import { DIALECTS } from '../test-support/dialects.js';
import { buildSession, buildUser, type BuiltUser } from '../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import { expected, type Wall } from '../test-support/access-expected.js';
import { seedMatter } from '../test-support/access.js';
import { tablesOf } from '../platform/db/database.js';
import type { AccessTables } from './access.tables.js';
import { bumpPolicyVersion } from './facts.js';

// The tests seed and read access's tables directly (production code goes through the repositories).
const db = (ctx: RequestContext) => tablesOf<AccessTables>(ctx.db);

interface AuditRow {
  action: string;
  outcome: string;
  reason: string | null;
  actor_id: string | null;
  matter_id: string | null;
}

describe.each(DIALECTS)('access HTTP API on %s', (dialect) => {
  let instance: TestInstance;
  let lead: BuiltUser;
  let stranger: BuiltUser;
  let compliance: BuiltUser;
  let admin: BuiltUser;
  let matter: { clientId: ClientId; matterId: MatterId };

  const call = (user: { headers: Record<string, string> } | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers: user?.headers ?? {}, ...(payload !== undefined ? { payload: payload as object } : {}) });
  const auditRows = async (actorId: string) =>
    (await sql<AuditRow>`select action, outcome, reason, actor_id, matter_id from audit_event where actor_id = ${actorId} order by seq`.execute(instance.services.database.db)).rows;

  beforeAll(async () => {
    instance = await createTestInstance(dialect, { env: { BREAK_GLASS_MIN_ACCOUNT_AGE_DAYS: '0' } });
    lead = await buildUser(instance, { role: 'attorney' });
    stranger = await buildUser(instance, { role: 'attorney' });
    compliance = await buildUser(instance, { role: 'compliance_officer' });
    admin = await buildUser(instance, { role: 'firm_admin' });
    matter = await seedMatter(instance, lead.id);
  });
  afterAll(async () => instance?.close());

  it('refuses the unauthenticated (401) and names the bad field (400)', async () => {
    expect((await call(null, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(401);
    const badId = await call(lead, 'GET', '/matters/not-a-uuid/team');
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.code).toBe('VALIDATION_FAILED');
    expect(badId.json().error.fields[0].path).toBe('params.matterId');
    const noMemo = await call(compliance, 'POST', '/walls', { kind: 'exclusionary', matterId: matter.matterId, userIds: [stranger.id] });
    expect(noMemo.statusCode).toBe(400);
    expect(noMemo.json().error.fields[0].path).toBe('body.memo');
    const badRole = await call(lead, 'PUT', `/matters/${matter.matterId}/team/${stranger.id}`, { role: 'boss' });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().error.fields[0].path).toMatch(/^body\.role/);
    const both = await call(compliance, 'POST', '/walls', { kind: 'exclusionary', matterId: matter.matterId, clientId: matter.clientId, userIds: [stranger.id], memo: 'x' });
    expect(both.json().error.fields[0].path).toBe('body.clientId');
  });

  it('answers 404 with the same body for a forbidden and a missing matter, and audits the denial', async () => {
    const forbidden = await call(stranger, 'GET', `/matters/${matter.matterId}/team`);
    const missing = await call(stranger, 'GET', `/matters/${newId()}/team`);
    expect(forbidden.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    const strip = (body: { error: { requestId: string } }) => ({ ...body.error, requestId: 'x' });
    expect(strip(forbidden.json())).toEqual(strip(missing.json()));
    const rows = await auditRows(stranger.id);
    expect(rows).toContainEqual(expect.objectContaining({ action: 'matter.read', outcome: 'denied', reason: 'NOT_ON_TEAM', matter_id: matter.matterId }));
    // Firm admins hold no client data.
    expect((await call(admin, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(404);
  });

  it('lets the lead manage the team; a denied write inside a transaction is still audited', async () => {
    const denied = await call(stranger, 'PUT', `/matters/${matter.matterId}/team/${stranger.id}`, { role: 'lead_attorney' });
    expect(denied.statusCode).toBe(404);
    expect(await auditRows(stranger.id)).toContainEqual(expect.objectContaining({ action: 'matter.team.manage', outcome: 'denied' }));
    const unknownUser = await call(lead, 'PUT', `/matters/${matter.matterId}/team/${newId()}`, { role: 'paralegal' });
    expect(unknownUser.statusCode).toBe(400);
    expect(unknownUser.json().error.fields[0].path).toBe('params.userId');
    const added = await call(lead, 'PUT', `/matters/${matter.matterId}/team/${stranger.id}`, { role: 'paralegal' });
    expect(added.statusCode).toBe(200);
    expect(added.json()).toMatchObject({ userId: stranger.id, role: 'paralegal', name: stranger.name });
    const team = await call(stranger, 'GET', `/matters/${matter.matterId}/team`);
    expect(team.statusCode).toBe(200);
    expect(team.json().members.map((m: { userId: string }) => m.userId).sort()).toEqual([lead.id, stranger.id].sort());
    expect((await call(lead, 'DELETE', `/matters/${matter.matterId}/team/${lead.id}`)).json().error.code).toBe('CONFLICT');
  });

  it('makes a new wall effective on the next request of an already-open token, audits and withholds until acknowledged', async () => {
    const session = await buildSession(instance, stranger);
    expect((await call(session, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(200);
    const created = await call(compliance, 'POST', '/walls', { kind: 'exclusionary', matterId: matter.matterId, userIds: [stranger.id], memo: 'Screened: prior representation of the adverse party.' });
    expect(created.statusCode).toBe(201);
    const wall = created.json();
    expect(wall).toMatchObject({ kind: 'exclusionary', clientId: matter.clientId, matterId: matter.matterId, liftedAt: null });
    // Already-open token and session: refused on the very next request.
    expect((await call(stranger, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(404);
    expect((await call(session, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(404);
    const crossing = (await auditRows(stranger.id)).filter((r) => r.reason === 'WALL');
    expect(crossing.length).toBeGreaterThanOrEqual(2);
    // The memo text never reaches the audit log.
    const memoInLog = await sql<{ n: number }>`select count(*) as n from audit_event where reason like ${'%prior representation%'} or purpose like ${'%prior representation%'}`.execute(instance.services.database.db);
    expect(Number(memoInLog.rows[0]!.n)).toBe(0);
    // The team must acknowledge the memo before opening the matter again.
    const withheld = await call(lead, 'GET', `/matters/${matter.matterId}/team`);
    expect(withheld.statusCode).toBe(403);
    expect(withheld.json().error.code).toBe('ACKNOWLEDGEMENT_REQUIRED');
    const pending = await call(lead, 'GET', '/walls/pending-acknowledgements');
    expect(pending.json().walls.map((w: { id: string }) => w.id)).toContain(wall.id);
    expect((await call(lead, 'POST', `/walls/${wall.id}/acknowledge`)).statusCode).toBe(200);
    expect((await call(lead, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(200);
    // The screened person acknowledges too, and is still screened.
    expect((await call(stranger, 'POST', `/walls/${wall.id}/acknowledge`)).statusCode).toBe(200);
    expect((await call(stranger, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(404);
    // Someone unconcerned cannot read the wall; compliance sees both acknowledgements.
    const outsider = await buildUser(instance, { role: 'attorney' });
    expect((await call(outsider, 'GET', `/walls/${wall.id}`)).json().error.code).toBe('WALL_NOT_FOUND');
    const seen = (await call(compliance, 'GET', `/walls/${wall.id}`)).json();
    expect(seen.acknowledgements.map((a: { userId: string }) => a.userId).sort()).toEqual([lead.id, stranger.id].sort());
    expect(seen.members[0].acknowledgedAt).not.toBeNull();
    // Adding a screened person to the team is refused; break-glass never crosses the wall.
    expect((await call(lead, 'PUT', `/matters/${matter.matterId}/team/${stranger.id}`, { role: 'attorney' })).json().error.code).toBe('CONFLICT');
    expect((await call(session, 'POST', '/access/break-glass', { matterId: matter.matterId, justification: 'Court deadline in one hour, lead unreachable.' })).statusCode).toBe(404);
    expect(await auditRows(stranger.id)).toContainEqual(expect.objectContaining({ action: 'access.break_glass', outcome: 'denied', reason: 'WALL' }));
    // Only compliance manages walls.
    expect((await call(lead, 'POST', '/walls', { kind: 'exclusionary', matterId: matter.matterId, userIds: [outsider.id], memo: 'x' })).statusCode).toBe(404);
    const notice = await call(compliance, 'POST', `/walls/${wall.id}/notice`, { firmName: 'Smith & Jones LLP', addressee: 'Acme Corp, General Counsel', clientReference: 'Acme v. Beta', signatory: 'Jane Smith, Partner' });
    expect(notice.statusCode).toBe(200);
    expect(notice.headers['content-type']).toBe('application/pdf');
    expect(notice.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // Lifting restores the stranger's seat on the team.
    expect((await call(compliance, 'POST', `/walls/${wall.id}/lift`)).json().liftedAt).not.toBeNull();
    expect((await call(stranger, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(200);
    expect((await call(compliance, 'GET', '/walls?active=false')).json().walls.map((w: { id: string }) => w.id)).toContain(wall.id);
  });

  it('runs an access request from ask to approval, with an expiry that stops access at that second', async () => {
    const requester = await buildUser(instance, { role: 'paralegal' });
    expect((await call(requester, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(404);
    const tooShort = await call(requester, 'POST', '/access/requests', { matterId: matter.matterId, role: 'paralegal', reason: 'x' });
    expect(tooShort.json().error.fields[0].path).toBe('body.reason');
    const asked = await call(requester, 'POST', '/access/requests', { matterId: matter.matterId, role: 'paralegal', reason: 'Covering for the assigned paralegal this week.' });
    expect(asked.statusCode).toBe(201);
    // A made-up matter id answers exactly like a real one: asking is no way to learn that a matter exists.
    const madeUp = await call(requester, 'POST', '/access/requests', { matterId: newId(), role: 'paralegal', reason: 'Covering for the assigned paralegal this week.' });
    expect(madeUp.statusCode).toBe(201);
    expect(Object.keys(madeUp.json()).sort()).toEqual(Object.keys(asked.json()).sort());
    expect(madeUp.json().status).toBe(asked.json().status);
    const toDecide = (await call(lead, 'GET', '/access/requests?toDecide=true')).json().requests;
    expect(toDecide.map((r: { id: string }) => r.id)).toContain(asked.json().id);
    expect((await call(stranger, 'GET', '/access/requests?toDecide=true')).json().requests).toEqual([]);
    expect((await call(requester, 'POST', `/access/requests/${asked.json().id}/decide`, { decision: 'approve' })).statusCode).toBe(404);
    const expiresAt = instance.clock.now() + 60_000;
    const approved = await call(lead, 'POST', `/access/requests/${asked.json().id}/decide`, { decision: 'approve', expiresAt });
    expect(approved.json()).toMatchObject({ status: 'approved', expiresAt });
    expect((await call(requester, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(200);
    (instance.clock as unknown as { set(t: number): void }).set(expiresAt);
    expect((await call(requester, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(404);
  });

  it('grants client-wide access with a required future expiry', async () => {
    const helper = await buildUser(instance, { role: 'attorney' });
    const past = await call(lead, 'POST', `/clients/${matter.clientId}/grants`, { userId: helper.id, role: 'assistant', expiresAt: instance.clock.now() - 1 });
    expect(past.json().error.fields[0].path).toBe('body.expiresAt');
    const granted = await call(lead, 'POST', `/clients/${matter.clientId}/grants`, { userId: helper.id, role: 'assistant', expiresAt: instance.clock.now() + 3_600_000 });
    expect(granted.statusCode).toBe(201);
    expect((await call(helper, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(200);
    expect((await call(helper, 'POST', `/clients/${matter.clientId}/grants`, { userId: helper.id, role: 'lead_attorney', expiresAt: instance.clock.now() + 1000 })).statusCode).toBe(404);
    expect((await call(lead, 'POST', `/access/grants/${granted.json().id}/revoke`)).json().revokedAt).not.toBeNull();
    expect((await call(helper, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(404);
    expect((await call(lead, 'GET', `/clients/${matter.clientId}/grants`)).json().grants.length).toBeGreaterThanOrEqual(2);
  });

  it('opens break-glass for an hour, alerts compliance, and lists it for review', async () => {
    const responder = await buildUser(instance, { role: 'attorney' });
    const responderSession = await buildSession(instance, responder);
    // An API token never counts as a fresh second factor.
    expect((await call(responder, 'POST', '/access/break-glass', { matterId: matter.matterId, justification: 'Emergency filing due today; the team is unreachable.' })).json().error.code).toBe('STEP_UP_REQUIRED');
    const opened = await call(responderSession, 'POST', '/access/break-glass', { matterId: matter.matterId, justification: 'Emergency filing due today; the team is unreachable.' });
    expect(opened.statusCode).toBe(201);
    expect(opened.json().expiresAt - opened.json().startedAt).toBe(3_600_000);
    expect((await call(responder, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(200);
    expect((await call(responder, 'PUT', `/matters/${matter.matterId}/team/${responder.id}`, { role: 'lead_attorney' })).statusCode).toBe(404);
    expect((await call(await buildSession(instance, admin), 'POST', '/access/break-glass', { matterId: matter.matterId, justification: 'Emergency filing due today; the team is unreachable.' })).statusCode).toBe(404);
    const queue = (await call(compliance, 'GET', '/access/break-glass?pendingReview=true')).json().sessions;
    expect(queue.map((s: { id: string }) => s.id)).toContain(opened.json().id);
    expect((await call(responder, 'GET', '/access/break-glass')).statusCode).toBe(404);
    const reviewed = await call(compliance, 'POST', `/access/break-glass/${opened.json().id}/review`, { outcome: 'justified', note: 'Filing confirmed with the court.' });
    expect(reviewed.json().reviewOutcome).toBe('justified');
    (instance.clock as unknown as { set(t: number): void }).set(opened.json().expiresAt);
    expect((await call(responder, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(404);
  });

  it('starts with the MFA gate on and the others off; an enabled gate holds until its record exists', async () => {
    const gates = (await call(admin, 'GET', '/access/gates')).json().gates as { key: string; enabled: boolean; description: string }[];
    expect(Object.fromEntries(gates.map((g) => [g.key, g.enabled]))).toEqual({ mfa: true, confidentiality_agreement: false, confidentiality_training: false, policy_acknowledged: false });
    expect(gates.every((g) => g.description.length > 20)).toBe(true);
    expect((await call(lead, 'GET', '/access/gates')).statusCode).toBe(404);
    expect((await call(admin, 'PUT', '/access/gates/no_such_gate', { enabled: true })).statusCode).toBe(404);
    expect((await call(admin, 'PUT', '/access/gates/confidentiality_training', { enabled: true })).json().enabled).toBe(true);
    const held = await call(lead, 'GET', `/matters/${matter.matterId}/team`);
    expect(held.statusCode).toBe(403);
    expect(held.json().error.code).toBe('GATE_NOT_SATISFIED');
    expect((await call(compliance, 'POST', '/access/agreements', { userId: lead.id, kind: 'training', completedAt: instance.clock.now() - 1000, expiresAt: instance.clock.now() + 86_400_000 })).statusCode).toBe(201);
    expect((await call(lead, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(200);
    expect((await call(admin, 'PUT', '/access/gates/confidentiality_training', { enabled: false })).statusCode).toBe(200);
    const noMfa = await buildUser(instance, { role: 'attorney', mfa: false });
    const noMfaMatter = await seedMatter(instance, noMfa.id);
    const refused = await call(noMfa, 'GET', `/matters/${noMfaMatter.matterId}/team`);
    expect([401, 403]).toContain(refused.statusCode);
    expect(['MFA_REQUIRED', 'UNAUTHENTICATED']).toContain(refused.json().error.code);
  });

  it('reports who could access a matter on a date and over a range, from history', async () => {
    const before = instance.clock.now();
    const reportMatter = await seedMatter(instance, lead.id);
    (instance.clock as unknown as { set(t: number): void }).set(before + 1000);
    const member = await buildUser(instance, { role: 'attorney' });
    await call(lead, 'PUT', `/matters/${reportMatter.matterId}/team/${member.id}`, { role: 'attorney' });
    (instance.clock as unknown as { set(t: number): void }).set(before + 2000);
    await call(lead, 'DELETE', `/matters/${reportMatter.matterId}/team/${member.id}`);
    (instance.clock as unknown as { set(t: number): void }).set(before + 3000);
    const at = (t: number) => call(compliance, 'GET', `/access/reports/could-access?matterId=${reportMatter.matterId}&at=${t}`);
    const ids = (r: { json(): { people: { userId: string }[] } }) => r.json().people.map((p) => p.userId);
    expect(ids(await at(before + 1500))).toContain(member.id);
    expect(ids(await at(before + 2500))).not.toContain(member.id);
    expect(ids(await at(before + 2500))).toContain(lead.id);
    const range = await call(compliance, 'GET', `/access/reports/could-access?matterId=${reportMatter.matterId}&from=${before}&to=${before + 3000}`);
    const periods = range.json().people.find((p: { userId: string }) => p.userId === member.id).periods;
    expect(periods).toEqual([{ from: before + 1000, until: before + 2000, basis: 'team', role: 'attorney', matterId: reportMatter.matterId }]);
    expect((await call(lead, 'GET', `/access/reports/could-access?matterId=${reportMatter.matterId}&at=${before}`)).statusCode).toBe(404);
    expect((await call(compliance, 'GET', `/access/reports/could-access?matterId=${reportMatter.matterId}`)).json().error.fields[0].path).toBe('querystring.at');
  });

  it('decides the matrix through HTTP for every permission × firm role × matter role × wall', async () => {
    const walls: Wall[] = ['none', 'screened', 'locked_unlisted', 'unacknowledged'];
    const owner = await buildUser(instance, { role: 'attorney' });
    const people: { user: BuiltUser; firmRole: FirmRole; matterRole: MatterRole | null }[] = [];
    for (const firmRole of FIRM_ROLES) for (const matterRole of [null, ...MATTER_ROLES]) people.push({ user: await buildUser(instance, { role: firmRole }), firmRole, matterRole });
    const matters = new Map<Wall, { clientId: ClientId; matterId: MatterId }>();
    for (const wall of walls) matters.set(wall, await seedMatter(instance, owner.id));
    const now = instance.clock.now();
    await inTransaction(instance.system('matrix'), async (ctx) => {
      await bumpPolicyVersion(ctx);
      const d = db(ctx);
      for (const [wall, { clientId, matterId }] of matters) {
        for (const p of people) if (p.matterRole) await d.insertInto('access_team_members').values({ matter_id: matterId, user_id: p.user.id, role: p.matterRole, added_at: now, added_by: owner.id, expires_at: null }).execute();
        if (wall === 'none') continue;
        const wallId = newId();
        await d.insertInto('access_walls').values({ id: wallId, kind: wall === 'locked_unlisted' ? 'inclusionary' : 'exclusionary', client_id: clientId, matter_id: matterId, memo: 'm', created_at: now, created_by: null, lifted_at: null, lifted_by: null }).execute();
        const listed: string[] = wall === 'screened' ? people.map((p) => p.user.id) : [owner.id];
        await d.insertInto('access_wall_members').values(listed.map((userId) => ({ wall_id: wallId, user_id: userId }))).execute();
        if (wall !== 'unacknowledged') await d.insertInto('access_wall_acknowledgements').values(people.map((p) => ({ wall_id: wallId, user_id: p.user.id as UserId, acknowledged_at: now }))).execute();
      }
    });
    const mismatches: string[] = [];
    for (const p of people) {
      for (const [wall, { clientId, matterId }] of matters) {
        // Concurrent requests, as in real use (the audit log group-commits them).
        const checks = PERMISSIONS.flatMap((permission) => (['matter', 'client'] as const).map((target) => ({ permission, target })));
        await Promise.all(
          checks.map(async ({ permission, target }) => {
            const response = await call(p.user, 'GET', `/access/decision?permission=${permission}&${target === 'matter' ? `matterId=${matterId}` : `clientId=${clientId}`}`);
            const decision = response.json() as { allowed: boolean; code: string | null };
            const got = decision.allowed ? 'allow' : decision.code;
            const want = expected(permission, p.firmRole, p.matterRole, wall, 'ok', 'none', target);
            if (got !== want) mismatches.push(`${permission} ${p.firmRole}/${p.matterRole ?? '-'}/${wall} on ${target}: got ${got}, want ${want}`);
          }),
        );
      }
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
  }, 300_000);
});
