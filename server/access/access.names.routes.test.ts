/**
 * Names instead of ids on the access API, the truthful screening notice, the blocked-matter
 * answer, and the two-person rule for lifting a wall — through HTTP with real identity, vault and
 * audit. Written from the attacker's side where it matters: a screened person learns no team
 * roster and no title, a pending request never tells whether its matter exists, and nobody lifts a
 * wall alone while a second compliance officer could approve it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../platform/ids.js';
import { DIALECTS } from '../test-support/dialects.js';
import { buildMatter, buildUser, type BuiltMatter, type BuiltUser } from '../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import { acknowledgementLines } from './screening-notice.js';

interface AuditRow {
  action: string;
  outcome: string;
  reason: string | null;
  purpose: string | null;
}

type Caller = { headers: Record<string, string> } | null;

describe.each(DIALECTS)('access names, notice and two-person lift on %s', (dialect) => {
  let instance: TestInstance;
  let matter: BuiltMatter;
  let colleague: BuiltUser;
  let screened: BuiltUser;
  let officer: BuiltUser;
  let secondOfficer: BuiltUser;

  const call = (user: Caller, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers: user?.headers ?? {}, ...(payload !== undefined ? { payload: payload as object } : {}) });
  const events = async (actorId: string) =>
    (await sql<AuditRow>`select action, outcome, reason, purpose from audit_event where actor_id = ${actorId} order by seq`.execute(instance.services.database.db)).rows;
  const putUpWall = async (target: BuiltMatter, members: BuiltUser[], by = officer) => {
    const created = await call(by, 'POST', '/walls', { kind: 'exclusionary', matterId: target.matterId, userIds: members.map((m) => m.id), memo: 'Screened: prior work for the other side.' });
    expect(created.statusCode).toBe(201);
    return created.json() as { id: string };
  };

  beforeAll(async () => {
    instance = await createTestInstance(dialect, { env: { BREAK_GLASS_MIN_ACCOUNT_AGE_DAYS: '0' } });
    matter = await buildMatter(instance, { title: 'Harbour acquisition' });
    colleague = await buildUser(instance, { role: 'attorney', name: 'Cora Colleague' });
    screened = await buildUser(instance, { role: 'attorney', name: 'Sam Screened' });
    officer = await buildUser(instance, { role: 'compliance_officer', name: 'Olga Officer' });
    secondOfficer = await buildUser(instance, { role: 'compliance_officer', name: 'Otto Officer' });
    expect((await call(matter.lead, 'PUT', `/matters/${matter.matterId}/team/${colleague.id}`, { role: 'attorney' })).statusCode).toBe(200);
  });
  afterAll(async () => instance?.close());

  it('names the team with e-mail addresses', async () => {
    const team = (await call(matter.lead, 'GET', `/matters/${matter.matterId}/team`)).json();
    expect(team.members).toContainEqual(expect.objectContaining({ userId: colleague.id, name: 'Cora Colleague', email: colleague.email }));
    expect(team.members).toContainEqual(expect.objectContaining({ userId: matter.lead.id, name: matter.lead.name, email: matter.lead.email }));
  });

  it('shows walls with names and the matter number; the title only to whoever may open the matter', async () => {
    const wall = await putUpWall(matter, [screened]);
    const seen = (await call(officer, 'GET', `/walls/${wall.id}`)).json();
    expect(seen.matter).toEqual({ id: matter.matterId, number: matter.number, title: null, clientId: matter.clientId, clientName: null });
    expect(seen.client).toEqual({ id: matter.clientId, name: null });
    expect(seen.createdByName).toBe('Olga Officer');
    expect(seen.members).toEqual([expect.objectContaining({ userId: screened.id, name: 'Sam Screened', email: screened.email, acknowledgedAt: null })]);
    // Who still has to acknowledge: the screened person and the whole current team, by name.
    expect(seen.awaiting.map((p: { name: string }) => p.name).sort()).toEqual(['Cora Colleague', matter.lead.name, 'Sam Screened'].sort());
    // The lead acknowledges, and sees the matter's title in its label; the list shrinks.
    const acknowledged = (await call(matter.lead, 'POST', `/walls/${wall.id}/acknowledge`)).json();
    expect(acknowledged.matter).toMatchObject({ number: matter.number, title: 'Harbour acquisition' });
    const after = (await call(officer, 'GET', `/walls/${wall.id}`)).json();
    expect(after.awaiting.map((p: { userId: string }) => p.userId)).not.toContain(matter.lead.id);
    expect(after.acknowledgements).toEqual([expect.objectContaining({ userId: matter.lead.id, name: matter.lead.name })]);
    // The screening notice says exactly that.
    const lines = acknowledgementLines(after);
    expect(lines.acknowledged).toEqual([expect.stringMatching(new RegExp(`^${matter.lead.name} — acknowledged \\d{4}-\\d{2}-\\d{2}$`))]);
    expect(lines.awaiting.sort()).toEqual(['Cora Colleague', 'Sam Screened'].sort());
  });

  it('tells a screened person neither the title, nor the team, nor who acknowledged', async () => {
    const other = await buildMatter(instance, { title: 'Secret merger', lead: matter.lead, client: matter.client });
    const wall = await putUpWall(other, [screened]);
    expect((await call(matter.lead, 'POST', `/walls/${wall.id}/acknowledge`)).statusCode).toBe(200);
    const pending = (await call(screened, 'GET', '/walls/pending-acknowledgements')).json();
    const mine = pending.walls.find((w: { id: string }) => w.id === wall.id);
    expect(mine.matter).toMatchObject({ number: other.number, title: null, clientName: null });
    expect(mine.acknowledgements).toEqual([]);
    expect(mine.awaiting).toBeUndefined();
    expect(JSON.stringify(mine)).not.toContain('Secret merger');
    expect(JSON.stringify(mine)).not.toContain(matter.lead.id);
    const read = (await call(screened, 'GET', `/walls/${wall.id}`)).json();
    expect(read.acknowledgements).toEqual([]);
    expect(read.awaiting).toBeUndefined();
  });

  it('names the wall a blocked matter waits on, and only a memo to acknowledge', async () => {
    const blocked = await buildMatter(instance, { lead: matter.lead, client: matter.client });
    const wall = await putUpWall(blocked, [screened]);
    const forLead = (await call(matter.lead, 'GET', `/access/decision?permission=matter.read&matterId=${blocked.matterId}`)).json();
    expect(forLead).toEqual({ allowed: false, code: 'ACKNOWLEDGEMENT_REQUIRED', wallId: wall.id });
    // The screen itself is never disclosed to the screened, nor to an outsider.
    const forScreened = (await call(screened, 'GET', `/access/decision?permission=matter.read&matterId=${blocked.matterId}`)).json();
    expect(forScreened).toEqual({ allowed: false, code: 'ACCESS_DENIED', wallId: null });
    const outsider = await buildUser(instance, { role: 'attorney' });
    expect((await call(outsider, 'GET', `/access/decision?permission=matter.read&matterId=${blocked.matterId}`)).json()).toEqual({ allowed: false, code: 'ACCESS_DENIED', wallId: null });
    expect((await call(matter.lead, 'POST', `/walls/${wall.id}/acknowledge`)).statusCode).toBe(200);
    expect((await call(matter.lead, 'GET', `/access/decision?permission=matter.read&matterId=${blocked.matterId}`)).json()).toEqual({ allowed: true, code: null, wallId: null });
  });

  it('never tells a requester, by a label, whether the matter they asked about exists', async () => {
    const asker = await buildUser(instance, { role: 'paralegal', name: 'Ada Asker' });
    const real = await call(asker, 'POST', '/access/requests', { matterId: matter.matterId, role: 'paralegal', reason: 'Covering the hearing next week.' });
    const madeUp = await call(asker, 'POST', '/access/requests', { matterId: newId(), role: 'paralegal', reason: 'Covering the hearing next week.' });
    expect(real.json().matter).toBeNull();
    expect(madeUp.json().matter).toBeNull();
    const mine = (await call(asker, 'GET', '/access/requests')).json().requests;
    expect(mine.map((r: { matter: unknown }) => r.matter)).toEqual([null, null]);
    // The lead, who decides, sees the matter by number and title, and the asker by name.
    const toDecide = (await call(matter.lead, 'GET', '/access/requests?toDecide=true')).json().requests;
    const request = toDecide.find((r: { id: string }) => r.id === real.json().id);
    expect(request).toMatchObject({ name: 'Ada Asker', matter: { number: matter.number, title: 'Harbour acquisition' } });
    expect(toDecide.map((r: { id: string }) => r.id)).not.toContain(madeUp.json().id);
    // Once decided, the asker sees which matter it was, and who decided.
    const decided = (await call(matter.lead, 'POST', `/access/requests/${real.json().id}/decide`, { decision: 'refuse' })).json();
    expect(decided.decidedByName).toBe(matter.lead.name);
    const later = (await call(asker, 'GET', '/access/requests')).json().requests.find((r: { id: string }) => r.id === real.json().id);
    expect(later.matter).toMatchObject({ number: matter.number, title: null });
  });

  it('lists, on a matter or client page, the walls there that concern the viewer — and nothing for anyone else', async () => {
    const onMatter = (await call(matter.lead, 'GET', `/walls?matterId=${matter.matterId}`)).json();
    expect(onMatter.walls.map((w: { matter: { number: string } }) => w.matter.number)).toEqual([matter.number]);
    expect(onMatter.walls[0].awaiting).toBeUndefined();
    // A seat on one matter of the client shows that matter's wall, not those on the client's other matters.
    const onClient = (await call(colleague, 'GET', `/walls?clientId=${matter.clientId}`)).json();
    expect(onClient.walls.map((w: { matterId: string }) => w.matterId)).toEqual([matter.matterId]);
    expect(onClient.walls[0].acknowledgements).toEqual([]);
    // Someone who may not open the client gets the same 404 as for a made-up client, audited.
    const outsider = await buildUser(instance, { role: 'attorney' });
    const forbidden = await call(outsider, 'GET', `/walls?clientId=${matter.clientId}`);
    const missing = await call(outsider, 'GET', `/walls?clientId=${newId()}`);
    expect(forbidden.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(await events(outsider.id)).toContainEqual(expect.objectContaining({ action: 'client.read', outcome: 'denied', purpose: 'walls' }));
    // The screened person cannot list the matter's walls; without a client or matter only compliance lists walls.
    expect((await call(screened, 'GET', `/walls?matterId=${matter.matterId}`)).statusCode).toBe(404);
    expect((await call(matter.lead, 'GET', '/walls')).statusCode).toBe(404);
  });

  it('names grants, break-glass sessions, reports and agreements', async () => {
    const grant = await call(matter.client.by, 'POST', `/clients/${matter.clientId}/grants`, { userId: colleague.id, role: 'attorney', expiresAt: instance.clock.now() + 86_400_000 });
    expect(grant.statusCode).toBe(201);
    expect(grant.json()).toMatchObject({ name: 'Cora Colleague', email: colleague.email, grantedByName: matter.client.by.name, client: { id: matter.clientId, name: matter.client.name } });
    const report = (await call(officer, 'GET', `/access/reports/could-access?matterId=${matter.matterId}&at=${instance.clock.now()}`)).json();
    expect(report.matter).toMatchObject({ number: matter.number, title: null });
    expect(report.client).toEqual({ id: matter.clientId, name: null });
    const teamPeriod = report.people.flatMap((p: { periods: { basis: string; matterNumber: string | null }[] }) => p.periods).find((p: { basis: string }) => p.basis === 'team');
    expect(teamPeriod.matterNumber).toBe(matter.number);
    const agreement = await call(officer, 'POST', '/access/agreements', { userId: colleague.id, kind: 'agreement', completedAt: instance.clock.now() });
    expect(agreement.json()).toMatchObject({ name: 'Cora Colleague', email: colleague.email });
    expect((await call(officer, 'GET', '/access/agreements')).json().agreements).toContainEqual(expect.objectContaining({ userId: colleague.id, name: 'Cora Colleague' }));
  });

  it('labels a wall form opened from a link for compliance only, and audits who asked', async () => {
    const target = (await call(officer, 'GET', `/walls/target?matterId=${matter.matterId}`)).json();
    expect(target).toEqual({ matter: { id: matter.matterId, number: matter.number, title: null, clientId: matter.clientId, clientName: null }, client: { id: matter.clientId, name: null } });
    expect(await events(officer.id)).toContainEqual(expect.objectContaining({ action: 'wall.manage', outcome: 'allowed', purpose: 'wall target' }));
    // Anyone else, an unknown id, or both ids: refused, the first two alike (404) and audited.
    const forLead = await call(matter.lead, 'GET', `/walls/target?matterId=${matter.matterId}`);
    const unknown = await call(officer, 'GET', `/walls/target?matterId=${newId()}`);
    expect(forLead.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(await events(matter.lead.id)).toContainEqual(expect.objectContaining({ action: 'wall.manage', outcome: 'denied' }));
    expect(await events(officer.id)).toContainEqual(expect.objectContaining({ action: 'wall.manage', outcome: 'denied', reason: 'NOT_FOUND' }));
    const both = await call(officer, 'GET', `/walls/target?matterId=${matter.matterId}&clientId=${matter.clientId}`);
    expect(both.statusCode).toBe(400);
    expect(both.json().error.fields[0].path).toBe('querystring.clientId');
    expect((await call(null, 'GET', `/walls/target?matterId=${matter.matterId}`)).statusCode).toBe(401);
  });

  it('never lets one compliance officer lift a wall alone while a second could approve', async () => {
    const target = await buildMatter(instance, { lead: matter.lead, client: matter.client });
    const wall = await putUpWall(target, [screened]);
    const asked = await call(officer, 'POST', `/walls/${wall.id}/lift`);
    expect(asked.statusCode).toBe(202);
    const approval = asked.json().approval;
    expect(approval).toMatchObject({ kind: 'access.wall.lift', status: 'pending', requestedByName: 'Olga Officer', matter: { number: target.number, title: null } });
    // Still up, and it says so.
    const meanwhile = (await call(officer, 'GET', `/walls/${wall.id}`)).json();
    expect(meanwhile.liftedAt).toBeNull();
    expect(meanwhile.liftApproval).toMatchObject({ id: approval.id, requestedByName: 'Olga Officer' });
    expect((await call(screened, 'GET', `/matters/${target.matterId}/team`)).statusCode).toBe(404);
    // Asking twice files nothing new; the requester cannot approve their own request (audited).
    expect((await call(officer, 'POST', `/walls/${wall.id}/lift`)).statusCode).toBe(409);
    const own = await call(officer, 'POST', `/approvals/${approval.id}/decide`, { decision: 'approve' });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe('SEPARATION_OF_DUTIES');
    expect(await events(officer.id)).toContainEqual(expect.objectContaining({ action: 'approval.approve', outcome: 'denied', reason: 'SEPARATION_OF_DUTIES' }));
    // Nor can an attorney (or the screened person) approve it: only compliance officers decide.
    expect((await call(screened, 'POST', `/approvals/${approval.id}/decide`, { decision: 'approve' })).json().error.code).toBe('APPROVAL_NOT_FOUND');
    expect((await call(officer, 'GET', `/walls/${wall.id}`)).json().liftedAt).toBeNull();
    // The second officer approves: the wall is lifted in that transaction, on the requester's name.
    const approved = await call(secondOfficer, 'POST', `/approvals/${approval.id}/decide`, { decision: 'approve' });
    expect(approved.statusCode).toBe(200);
    const lifted = (await call(officer, 'GET', `/walls/${wall.id}`)).json();
    expect(lifted.liftedAt).not.toBeNull();
    expect(lifted.liftedByName).toBe('Olga Officer');
    expect(await events(secondOfficer.id)).toContainEqual(expect.objectContaining({ action: 'wall.lift', outcome: 'allowed', purpose: `approval ${approval.id}` }));
  });

  it('an officer the wall screens cannot approve lifting it either', async () => {
    const target = await buildMatter(instance, { lead: matter.lead, client: matter.client });
    const wall = await putUpWall(target, [secondOfficer]);
    const approval = (await call(officer, 'POST', `/walls/${wall.id}/lift`)).json().approval;
    const refused = await call(secondOfficer, 'POST', `/approvals/${approval.id}/decide`, { decision: 'approve' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('SEPARATION_OF_DUTIES');
    expect((await call(officer, 'GET', `/walls/${wall.id}`)).json().liftedAt).toBeNull();
  });

  it('lets compliance find a matter to wall by the start of its number, without its title, and nobody else', async () => {
    const prefix = matter.number.slice(0, matter.number.length - 2).toLowerCase();
    const found = await call(officer, 'POST', '/walls/targets/search', { query: prefix });
    expect(found.statusCode).toBe(200);
    expect(found.json().matters).toContainEqual({ id: matter.matterId, number: matter.number, title: null, clientId: matter.clientId, clientName: null });
    // A LIKE wildcard is a character to match, not a pattern.
    expect((await call(officer, 'POST', '/walls/targets/search', { query: '%' })).json().matters).toEqual([]);
    const byAttorney = await call(colleague, 'POST', '/walls/targets/search', { query: prefix });
    expect(byAttorney.statusCode).toBe(404);
    expect(await events(colleague.id)).toContainEqual(expect.objectContaining({ action: 'wall.manage', outcome: 'denied' }));
    expect((await call(null, 'POST', '/walls/targets/search', { query: prefix })).statusCode).toBe(401);
    const missing = await call(officer, 'POST', '/walls/targets/search', {});
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('query');
  });
});

describe.each(DIALECTS)('lifting a wall in a firm with one compliance officer on %s', (dialect) => {
  let instance: TestInstance;
  afterAll(async () => instance?.close());

  it('lifts at once and audits the waiver', async () => {
    instance = await createTestInstance(dialect);
    const officer = await buildUser(instance, { role: 'compliance_officer' });
    const screened = await buildUser(instance, { role: 'attorney' });
    const matter = await buildMatter(instance);
    const call = (method: 'POST' | 'GET', url: string, payload?: unknown) => instance.app.inject({ method, url: `/api/v1${url}`, headers: officer.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
    const wall = (await call('POST', '/walls', { kind: 'exclusionary', matterId: matter.matterId, userIds: [screened.id], memo: 'Screen.' })).json();
    const lifted = await call('POST', `/walls/${wall.id}/lift`);
    expect(lifted.statusCode).toBe(200);
    expect(lifted.json().liftedAt).not.toBeNull();
    const rows = (await sql<AuditRow>`select action, outcome, reason, purpose from audit_event where actor_id = ${officer.id} order by seq`.execute(instance.services.database.db)).rows;
    expect(rows).toContainEqual(expect.objectContaining({ action: 'approval.waived', outcome: 'allowed', reason: 'access.wall.lift' }));
    expect(rows).toContainEqual(expect.objectContaining({ action: 'wall.lift', outcome: 'allowed' }));
  });

});
