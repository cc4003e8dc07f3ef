/**
 * The insider who wants one more matter, through HTTP with real identity and the real audit log:
 * self-granted client-wide access, a seat that stands in for a grant, firm administrators reaching
 * client data, separation of duties, decision queries as existence oracles, access requests that
 * tell a real matter from a made-up one, unaudited "not found" answers, and the two-person rule.
 * Each test is written from the attacker's side and fails on the code before these rules.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientId, MatterId } from '../../common/ids.js';
import type { ManualClock } from '../platform/clock.js';
import { inTransaction } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import { DIALECTS, type Dialect } from '../test-support/dialects.js';
import { buildSession, buildUser, type BuiltSession, type BuiltUser } from '../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import { nextRequest, seedMatter, userContext } from '../test-support/access.js';
import { registerMatter, requireAccess } from './index.js';

interface AuditRow {
  action: string;
  outcome: string;
  reason: string | null;
  matter_id: string | null;
  purpose: string | null;
}

type Caller = { headers: Record<string, string> } | BuiltUser | BuiltSession | null;

function harness(dialect: Dialect, env: Record<string, string>) {
  const h = {
    instance: null as unknown as TestInstance,
    call: (user: Caller, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
      h.instance.app.inject({ method, url: `/api/v1${url}`, headers: (user?.headers as Record<string, string>) ?? {}, ...(payload !== undefined ? { payload: payload as object } : {}) }),
    events: async (actorId: string) =>
      (await sql<AuditRow>`select action, outcome, reason, matter_id, purpose from audit_event where actor_id = ${actorId} order by seq`.execute(h.instance.services.database.db)).rows,
  };
  beforeAll(async () => {
    h.instance = await createTestInstance(dialect, { env });
  });
  afterAll(async () => h.instance?.close());
  return h;
}

describe.each(DIALECTS)('insider attacks on the choke point on %s', (dialect) => {
  const h = harness(dialect, {});
  let creator: BuiltUser;
  let leadA: BuiltUser;
  let compliance: BuiltUser;
  let admin: BuiltUser;
  let client: ClientId;
  let matterA: MatterId;
  let matterB: MatterId;

  beforeAll(async () => {
    creator = await buildUser(h.instance, { role: 'attorney' });
    leadA = await buildUser(h.instance, { role: 'attorney' });
    compliance = await buildUser(h.instance, { role: 'compliance_officer' });
    admin = await buildUser(h.instance, { role: 'firm_admin' });
    // The creator holds the client-wide grant; leadA leads matter A only.
    const first = await seedMatter(h.instance, creator.id, leadA.id);
    client = first.clientId;
    matterA = first.matterId;
    // Matter B of the same client, led by the creator alone.
    matterB = newId() as MatterId;
    await inTransaction(h.instance.system('seed'), (ctx) => registerMatter(ctx, { matterId: matterB, clientId: client, leadUserId: creator.id }));
  });

  it("a lead on one matter cannot grant themselves the client and read its other matters", async () => {
    expect((await h.call(leadA, 'GET', `/matters/${matterB}/team`)).statusCode).toBe(404);
    const selfGrant = await h.call(leadA, 'POST', `/clients/${client}/grants`, { userId: leadA.id, role: 'lead_attorney', expiresAt: h.instance.clock.now() + 86_400_000 });
    expect(selfGrant.statusCode).toBe(404);
    expect(await h.events(leadA.id)).toContainEqual(expect.objectContaining({ action: 'matter.team.manage', outcome: 'denied' }));
    // Nor grant a colleague, nor list the client's grants: administering the client needs a client-wide grant.
    const colleague = await buildUser(h.instance, { role: 'attorney' });
    expect((await h.call(leadA, 'POST', `/clients/${client}/grants`, { userId: colleague.id, role: 'paralegal', expiresAt: h.instance.clock.now() + 86_400_000 })).statusCode).toBe(404);
    expect((await h.call(leadA, 'GET', `/clients/${client}/grants`)).statusCode).toBe(404);
    expect((await h.call(leadA, 'GET', `/matters/${matterB}/team`)).statusCode).toBe(404);
    // The seat still lets them read the client itself.
    expect((await h.call(leadA, 'GET', `/access/decision?permission=client.read&clientId=${client}`)).json().allowed).toBe(true);
    expect((await h.call(leadA, 'GET', `/access/decision?permission=client.export&clientId=${client}`)).json().allowed).toBe(false);
  });

  it('the client-wide lead never grants themselves, and every grant ends within the firm limit', async () => {
    const self = await h.call(creator, 'POST', `/clients/${client}/grants`, { userId: creator.id, role: 'lead_attorney', expiresAt: h.instance.clock.now() + 86_400_000 });
    expect(self.statusCode).toBe(403);
    expect(self.json().error.code).toBe('SEPARATION_OF_DUTIES');
    expect(await h.events(creator.id)).toContainEqual(expect.objectContaining({ action: 'access.grant', outcome: 'denied', reason: 'SELF_GRANT' }));
    const helper = await buildUser(h.instance, { role: 'paralegal' });
    const tooLong = await h.call(creator, 'POST', `/clients/${client}/grants`, { userId: helper.id, role: 'paralegal', expiresAt: h.instance.clock.now() + 366 * 86_400_000 });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.fields[0].path).toBe('body.expiresAt');
    const granted = await h.call(creator, 'POST', `/clients/${client}/grants`, { userId: helper.id, role: 'paralegal', expiresAt: h.instance.clock.now() + 30 * 86_400_000 });
    expect(granted.statusCode).toBe(201);
    expect((await h.call(helper, 'GET', `/matters/${matterB}/team`)).statusCode).toBe(200);
  });

  it('a seat on a matter locked to others does not count for the client', async () => {
    const locked = await seedMatter(h.instance, creator.id, leadA.id);
    const wall = await h.call(compliance, 'POST', '/walls', { kind: 'inclusionary', matterId: locked.matterId, userIds: [creator.id], memo: 'Locked to the relationship partner.' });
    expect(wall.statusCode).toBe(201);
    // leadA's only seat on this client is behind the lock: the client itself is closed to them.
    expect((await h.call(leadA, 'GET', `/access/decision?permission=client.read&clientId=${locked.clientId}`)).json().allowed).toBe(false);
  });

  it('a firm administrator is never seated, granted, let in by request or by break-glass', async () => {
    const seat = await h.call(leadA, 'PUT', `/matters/${matterA}/team/${admin.id}`, { role: 'assistant' });
    expect(seat.statusCode).toBe(400);
    expect(seat.json().error.fields[0].path).toBe('params.userId');
    const grant = await h.call(creator, 'POST', `/clients/${client}/grants`, { userId: admin.id, role: 'assistant', expiresAt: h.instance.clock.now() + 86_400_000 });
    expect(grant.statusCode).toBe(400);
    expect(grant.json().error.fields[0].path).toBe('body.userId');
    const request = await h.call(admin, 'POST', '/access/requests', { matterId: matterA, role: 'assistant', reason: 'Checking the matter set-up for the client.' });
    expect(request.statusCode).toBe(404);
    expect(await h.events(admin.id)).toContainEqual(expect.objectContaining({ action: 'access.request.create', outcome: 'denied', reason: 'FIRM_ROLE' }));
    const glass = await h.call(await buildSession(h.instance, admin), 'POST', '/access/break-glass', { matterId: matterA, justification: 'Emergency: the partner asked me to look.' });
    expect(glass.statusCode).toBe(404);
  });

  it('break-glass is for the entitled roles only, and never for a brand-new account', async () => {
    const staff = await buildUser(h.instance, { role: 'staff' });
    const byStaff = await h.call(await buildSession(h.instance, staff), 'POST', '/access/break-glass', { matterId: matterA, justification: 'Emergency: nobody else is in the office.' });
    expect(byStaff.statusCode).toBe(404);
    expect(await h.events(staff.id)).toContainEqual(expect.objectContaining({ action: 'access.break_glass', outcome: 'denied', reason: 'FIRM_ROLE' }));
    const byOfficer = await h.call(await buildSession(h.instance, compliance), 'POST', '/access/break-glass', { matterId: matterA, justification: 'Emergency: checking a complaint at once.' });
    expect(byOfficer.statusCode).toBe(404);
    const newcomer = await buildUser(h.instance, { role: 'attorney' });
    const fresh = await h.call(await buildSession(h.instance, newcomer), 'POST', '/access/break-glass', { matterId: matterA, justification: 'Emergency: the hearing moved to today.' });
    expect(fresh.statusCode).toBe(404);
    expect(await h.events(newcomer.id)).toContainEqual(expect.objectContaining({ action: 'access.break_glass', outcome: 'denied', reason: 'ACCOUNT_TOO_NEW' }));
  });

  it('a decision query is no existence oracle and is never recorded as an access', async () => {
    const screened = await buildUser(h.instance, { role: 'compliance_officer' });
    const walled = await seedMatter(h.instance, creator.id);
    expect((await h.call(compliance, 'POST', '/walls', { kind: 'exclusionary', matterId: walled.matterId, userIds: [screened.id], memo: 'Screened officer.' })).statusCode).toBe(201);
    for (const permission of ['audit.read', 'alert.manage', 'settings.manage']) {
      const real = (await h.call(screened, 'GET', `/access/decision?permission=${permission}&matterId=${walled.matterId}`)).json();
      const madeUp = (await h.call(screened, 'GET', `/access/decision?permission=${permission}&matterId=${newId()}`)).json();
      expect(real, permission).toEqual(madeUp);
      expect(real.allowed, permission).toBe(false);
    }
    // Nothing says the screened person accessed the walled matter.
    const rows = await h.events(screened.id);
    expect(rows.filter((r) => r.matter_id === walled.matterId)).toEqual([]);
    expect(rows.filter((r) => r.action === 'access.decision').length).toBe(6);
    // A request to join is not an access either: the "did this person access the matter" report says no.
    const asker = await buildUser(h.instance, { role: 'attorney' });
    expect((await h.call(asker, 'POST', '/access/requests', { matterId: walled.matterId, role: 'attorney', reason: 'I would like to help on this one.' })).statusCode).toBe(201);
    for (const person of [screened, asker]) {
      const report = await h.call(compliance, 'GET', `/audit/reports/person-matter?userId=${person.id}&matterId=${walled.matterId}&since=0&until=${h.instance.clock.now() + 1000}`);
      expect(report.statusCode, report.body).toBe(200);
      expect(report.json().accessed).toBe(false);
    }
  });

  it('a gate a person fails answers the same for a real and a made-up matter', async () => {
    // The HTTP hook already refuses a session without MFA; the agreement gate is decided in access.
    expect((await h.call(compliance, 'PUT', '/access/gates/confidentiality_agreement', { enabled: true })).statusCode).toBe(200);
    try {
      const person = userContext(h.instance, 'attorney', { userId: leadA.id });
      const real = await requireAccess(person, 'matter.read', { kind: 'matter', matterId: matterA }).catch((e: { code: string }) => e.code);
      const madeUp = await requireAccess(nextRequest(person), 'matter.read', { kind: 'matter', matterId: newId() as MatterId }).catch((e: { code: string }) => e.code);
      expect(real).toBe('GATE_NOT_SATISFIED');
      expect(madeUp).toBe(real);
    } finally {
      await h.call(compliance, 'PUT', '/access/gates/confidentiality_agreement', { enabled: false });
    }
  });

  it('an access request answers alike for a real, a made-up and a screening matter, and the withheld ones reach no decider', async () => {
    const asker = await buildUser(h.instance, { role: 'paralegal' });
    const screenedAsker = await buildUser(h.instance, { role: 'paralegal' });
    const walled = await seedMatter(h.instance, creator.id);
    expect((await h.call(compliance, 'POST', '/walls', { kind: 'exclusionary', matterId: walled.matterId, userIds: [screenedAsker.id], memo: 'Screened paralegal.' })).statusCode).toBe(201);
    const reason = 'Covering for a colleague on leave this week.';
    const answers = [
      await h.call(asker, 'POST', '/access/requests', { matterId: matterA, role: 'paralegal', reason }),
      await h.call(asker, 'POST', '/access/requests', { matterId: newId(), role: 'paralegal', reason }),
      await h.call(screenedAsker, 'POST', '/access/requests', { matterId: walled.matterId, role: 'paralegal', reason }),
    ];
    const shape = (r: (typeof answers)[number]) => ({ status: r.statusCode, keys: Object.keys(r.json()).sort(), state: r.json().status });
    expect(shape(answers[1]!)).toEqual(shape(answers[0]!));
    expect(shape(answers[2]!)).toEqual(shape(answers[0]!));
    const toDecide = (await h.call(creator, 'GET', '/access/requests?toDecide=true')).json().requests.map((r: { id: string }) => r.id);
    expect(toDecide).not.toContain(answers[2]!.json().id);
    expect((await h.call(creator, 'POST', `/access/requests/${answers[2]!.json().id}/decide`, { decision: 'approve' })).statusCode).not.toBe(200);
    expect((await h.call(screenedAsker, 'GET', '/access/requests')).json().requests[0].status).toBe('pending');
    expect(await h.events(screenedAsker.id)).toContainEqual(expect.objectContaining({ action: 'access.request.create', outcome: 'denied', reason: 'WALL' }));
    expect(await h.events(asker.id)).toContainEqual(expect.objectContaining({ action: 'access.request.create', outcome: 'denied', reason: 'NOT_FOUND' }));
  });

  it('choosing a matter number is no way to learn that a walled matter exists', async () => {
    const attorney = await buildUser(h.instance, { role: 'attorney' });
    const created = await h.call(attorney, 'POST', '/clients', { kind: 'organisation', name: 'Numbering Probe Ltd' });
    expect(created.statusCode, created.body).toBe(201);
    const first = await h.call(attorney, 'POST', '/matters', { clientId: created.json().id, title: 'First matter' });
    expect(first.statusCode, first.body).toBe(201);
    // Whether the number is free, taken by a visible matter or by a hidden one, a chosen number is refused alike.
    for (const number of [first.json().number, '2026-PROBE-1']) {
      const chosen = await h.call(attorney, 'POST', '/matters', { clientId: created.json().id, title: 'Probe', number });
      expect(chosen.statusCode).toBe(400);
      expect(chosen.json().error.fields[0].path).toBe('body.number');
    }
  });

  it('a missing or unconcerned wall is audited like any refusal', async () => {
    const outsider = await buildUser(h.instance, { role: 'attorney' });
    const missing = newId();
    expect((await h.call(outsider, 'GET', `/walls/${missing}`)).json().error.code).toBe('WALL_NOT_FOUND');
    expect((await h.call(outsider, 'POST', `/walls/${missing}/lift`)).json().error.code).toBe('WALL_NOT_FOUND');
    const rows = await h.events(outsider.id);
    expect(rows).toContainEqual(expect.objectContaining({ action: 'wall.read', outcome: 'denied', reason: 'NOT_FOUND' }));
    expect(rows).toContainEqual(expect.objectContaining({ action: 'wall.lift', outcome: 'denied', reason: 'NOT_FOUND' }));
  });

  it('nobody lifts a wall that screens them', async () => {
    const officer = await buildUser(h.instance, { role: 'compliance_officer' });
    const walled = await seedMatter(h.instance, creator.id);
    const wall = (await h.call(compliance, 'POST', '/walls', { kind: 'exclusionary', matterId: walled.matterId, userIds: [officer.id], memo: 'The officer advised the other side.' })).json();
    const lift = await h.call(officer, 'POST', `/walls/${wall.id}/lift`);
    expect(lift.statusCode).toBe(403);
    expect(lift.json().error.code).toBe('SEPARATION_OF_DUTIES');
    expect(await h.events(officer.id)).toContainEqual(expect.objectContaining({ action: 'wall.lift', outcome: 'denied', reason: 'SEPARATION_OF_DUTIES' }));
    expect((await h.call(compliance, 'GET', `/walls/${wall.id}`)).json().liftedAt).toBeNull();
  });

  it('wall memos, request reasons and break-glass justifications are sealed at rest', async () => {
    const memo = 'Canary memo: prior work for the adverse party';
    const reason = 'Canary reason: covering the hearing next week';
    const justification = 'Canary justification: court deadline this hour';
    const walled = await seedMatter(h.instance, creator.id);
    const wall = await h.call(compliance, 'POST', '/walls', { kind: 'inclusionary', matterId: walled.matterId, userIds: [creator.id], memo });
    expect(wall.json().memo).toBe(memo);
    const asker = await buildUser(h.instance, { role: 'paralegal' });
    const asked = await h.call(asker, 'POST', '/access/requests', { matterId: matterA, role: 'paralegal', reason });
    expect(asked.json().reason).toBe(reason);
    (h.instance.clock as ManualClock).set(h.instance.clock.now() + 8 * 86_400_000);
    const responder = await buildUser(h.instance, { role: 'attorney' });
    (h.instance.clock as ManualClock).set(h.instance.clock.now() + 8 * 86_400_000);
    const glass = await h.call(await buildSession(h.instance, responder), 'POST', '/access/break-glass', { matterId: walled.matterId, justification });
    expect(glass.statusCode).toBe(201);
    const officer = await buildUser(h.instance, { role: 'compliance_officer' });
    const review = await h.call(officer, 'POST', `/access/break-glass/${glass.json().id}/review`, { outcome: 'justified', note: 'Canary review note' });
    expect(review.json()).toMatchObject({ justification, reviewNote: 'Canary review note' });
    const db = h.instance.services.database.db;
    const stored = [
      ...(await sql<{ t: string }>`select memo as t from access_walls`.execute(db)).rows,
      ...(await sql<{ t: string }>`select reason as t from access_requests`.execute(db)).rows,
      ...(await sql<{ t: string }>`select justification as t from access_break_glass`.execute(db)).rows,
      ...(await sql<{ t: string }>`select review_note as t from access_break_glass`.execute(db)).rows,
    ].map((r) => r.t ?? '');
    expect(stored.length).toBeGreaterThan(4);
    expect(stored.filter((t) => t.includes('Canary'))).toEqual([]);
  });

  // Last: moves the clock past the account-age limit.
  it('an account old enough may break glass once its role is entitled', async () => {
    const responder = await buildUser(h.instance, { role: 'paralegal' });
    (h.instance.clock as ManualClock).set(h.instance.clock.now() + 8 * 86_400_000);
    const opened = await h.call(await buildSession(h.instance, responder), 'POST', '/access/break-glass', { matterId: matterA, justification: 'Emergency: the hearing moved to today.' });
    expect(opened.statusCode).toBe(201);
  });
});

describe.each(DIALECTS)('the two-person rule on %s', (dialect) => {
  const h = harness(dialect, { ACCESS_GRANT_APPROVAL: 'true', BREAK_GLASS_ROLES: 'attorney,compliance_officer', BREAK_GLASS_MIN_ACCOUNT_AGE_DAYS: '0' });
  let creator: BuiltUser;
  let officer: BuiltUser;
  let otherOfficer: BuiltUser;
  let matter: { clientId: ClientId; matterId: MatterId };

  beforeAll(async () => {
    creator = await buildUser(h.instance, { role: 'attorney' });
    officer = await buildUser(h.instance, { role: 'compliance_officer' });
    otherOfficer = await buildUser(h.instance, { role: 'compliance_officer' });
    matter = await seedMatter(h.instance, creator.id);
  });

  it('a client-wide grant waits for a compliance officer, and takes effect only when approved', async () => {
    const helper = await buildUser(h.instance, { role: 'paralegal' });
    const filed = await h.call(creator, 'POST', `/clients/${matter.clientId}/grants`, { userId: helper.id, role: 'paralegal', expiresAt: h.instance.clock.now() + 86_400_000 });
    expect(filed.statusCode).toBe(202);
    const approval = filed.json().approval;
    expect(approval).toMatchObject({ kind: 'access.grant', status: 'pending', subjectUserId: helper.id, requestedBy: creator.id });
    expect((await h.call(helper, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(404);
    // The requester cannot approve it (not a compliance officer), and it is not theirs to see as a decider.
    expect((await h.call(creator, 'POST', `/approvals/${approval.id}/decide`, { decision: 'approve' })).statusCode).toBe(404);
    expect((await h.call(officer, 'GET', '/approvals?toDecide=true')).json().approvals.map((a: { id: string }) => a.id)).toContain(approval.id);
    // Two officers approving at once: the change is made once.
    const [first, second] = await Promise.all([
      h.call(officer, 'POST', `/approvals/${approval.id}/decide`, { decision: 'approve' }),
      h.call(otherOfficer, 'POST', `/approvals/${approval.id}/decide`, { decision: 'approve' }),
    ]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([200, 409]);
    expect((await h.call(helper, 'GET', `/matters/${matter.matterId}/team`)).statusCode).toBe(200);
    const grants = (await h.call(creator, 'GET', `/clients/${matter.clientId}/grants`)).json().grants.filter((g: { userId: string }) => g.userId === helper.id);
    expect(grants).toHaveLength(1);
    expect(grants[0].grantedBy).toBe(creator.id);
  });

  it('nobody approves a request about themselves, or reviews their own emergency access', async () => {
    const filed = await h.call(creator, 'POST', `/clients/${matter.clientId}/grants`, { userId: officer.id, role: 'assistant', expiresAt: h.instance.clock.now() + 86_400_000 });
    expect(filed.statusCode).toBe(202);
    const own = await h.call(officer, 'POST', `/approvals/${filed.json().approval.id}/decide`, { decision: 'approve' });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe('SEPARATION_OF_DUTIES');
    expect((await h.call(officer, 'GET', '/approvals?toDecide=true')).json().approvals.map((a: { id: string }) => a.id)).not.toContain(filed.json().approval.id);
    const glass = await h.call(await buildSession(h.instance, officer), 'POST', '/access/break-glass', { matterId: matter.matterId, justification: 'Emergency: a complaint needs checking at once.' });
    expect(glass.statusCode).toBe(201);
    const review = await h.call(officer, 'POST', `/access/break-glass/${glass.json().id}/review`, { outcome: 'justified', note: 'Fine.' });
    expect(review.statusCode).toBe(403);
    expect(review.json().error.code).toBe('SEPARATION_OF_DUTIES');
    expect((await h.call(otherOfficer, 'POST', `/access/break-glass/${glass.json().id}/review`, { outcome: 'justified', note: 'Complaint handled.' })).statusCode).toBe(200);
  });
});
