/**
 * The audit API names what its ids stand for (people, matter numbers; matter titles and client
 * names only to a viewer who may open that matter), and its one gate records what each route read
 * or refused — from the attacker's side: a walled-off officer sees no title, a role without
 * `audit.read` gets nothing and is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../test-support/dialects.js';
import { buildMatter, buildUser, buildWall, type BuiltMatter, type BuiltUser } from '../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import { raiseAlert } from './alerts.js';

interface Names {
  users: { id: string; name: string; email: string }[];
  matters: { id: string; number: string; clientId: string; title: string | null; clientName: string | null }[];
  clients: { id: string; name: string | null }[];
}
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe.each(DIALECTS)('audit names and the audit gate on %s', (dialect) => {
  let instance: TestInstance;
  let officer: BuiltUser;
  let attorney: BuiltUser;
  let matter: BuiltMatter;

  const get = (url: string, user?: BuiltUser) => instance.app.inject({ method: 'GET', url, headers: user?.headers ?? {} });
  const post = (url: string, user: BuiltUser) => instance.app.inject({ method: 'POST', url, headers: user.headers });
  const events = async (query: string, user: BuiltUser = officer) => (await get(`/api/v1/audit/events?${query}`, user)).json() as { events: { event: Record<string, string> }[]; names: Names };
  const latest = async (action: string, actor: BuiltUser) => (await events(`actorId=${actor.id}&action=${action}&limit=1000`)).events.at(-1)?.event;

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    officer = await buildUser(instance, { role: 'compliance_officer', name: 'Olivia Officer' });
    attorney = await buildUser(instance, { role: 'attorney', name: 'Arthur Attorney' });
    matter = await buildMatter(instance, { lead: attorney, title: 'Merger of Northwind and Contoso' });
    expect((await get(`/api/v1/matters/${matter.id}`, attorney)).statusCode).toBe(200);
  });
  afterAll(async () => instance?.close());

  it('names the people and the matter of each event; the title only to a viewer who may open the matter', async () => {
    const page = await events(`matterId=${matter.id}`);
    expect(page.events.length).toBeGreaterThan(0);
    expect(page.names.users).toContainEqual({ id: attorney.id, name: 'Arthur Attorney', email: attorney.email });
    const named = page.names.matters.find((m) => m.id === matter.id);
    expect(named).toMatchObject({ number: matter.number, clientId: matter.clientId, title: null, clientName: null });
    expect(page.names.clients.find((c) => c.id === matter.clientId)).toEqual({ id: matter.clientId, name: null });
    expect(JSON.stringify(page.names)).not.toContain('Northwind');

    // On the matter's team the officer may open it: the title and client name appear.
    expect((await instance.app.inject({ method: 'PUT', url: `/api/v1/matters/${matter.id}/team/${officer.id}`, headers: attorney.headers, payload: { role: 'assistant' } })).statusCode).toBe(200);
    const onTeam = (await events(`matterId=${matter.id}`)).names.matters.find((m) => m.id === matter.id);
    expect(onTeam).toMatchObject({ number: matter.number, title: 'Merger of Northwind and Contoso', clientName: matter.client.name });

    // Walled off the matter: the title is hidden again, the number stays.
    await buildWall(instance, { matter, members: [officer] });
    const walled = await events(`matterId=${matter.id}`);
    expect(walled.names.matters.find((m) => m.id === matter.id)).toMatchObject({ number: matter.number, title: null, clientName: null });
    expect(JSON.stringify(walled.names)).not.toContain('Northwind');
  });

  it('names who accessed, the person and matter of a report, and the breach scope', async () => {
    const who = (await get(`/api/v1/audit/reports/access?matterId=${matter.id}`, officer)).json() as { actors: { actorId: string }[]; names: Names };
    expect(who.actors.map((a) => a.actorId)).toContain(attorney.id);
    expect(who.names.users.map((u) => u.name)).toContain('Arthur Attorney');
    expect(who.names.matters.map((m) => m.number)).toEqual([matter.number]);

    const report = (await get(`/api/v1/audit/reports/person-matter?userId=${attorney.id}&matterId=${matter.id}&since=0&until=${Date.now() + 60_000}`, officer)).json() as { accessed: boolean; names: Names };
    expect(report.accessed).toBe(true);
    expect(report.names.users.map((u) => u.name)).toEqual(['Arthur Attorney']);
    expect(report.names.matters.map((m) => m.number)).toEqual([matter.number]);

    const scope = (await get(`/api/v1/audit/reports/breach-scope?actorId=${attorney.id}&since=0&until=${Date.now() + 60_000}`, officer)).json() as { matters: string[]; names: Names };
    expect(scope.matters).toContain(matter.id);
    expect(scope.names.matters.map((m) => m.number)).toContain(matter.number);
  });

  it('lists alerts with the actor, the matter of the event that raised them and names; reading them is audited', async () => {
    const trigger = (await events(`actorId=${attorney.id}&matterId=${matter.id}&limit=1`)).events[0] as unknown as { index: number };
    const alert = await raiseAlert(instance.services, { rule: 'bulk_download', actorId: attorney.id, severity: 'critical', firstIndex: trigger.index, lastIndex: trigger.index, detail: { documents: 50, threshold: 50, windowMinutes: 10 }, contain: false });
    const list = (await get('/api/v1/audit/alerts?status=open', officer)).json() as { alerts: { id: string; matterId: string | null; clientId: string | null }[]; names: Names };
    expect(list.alerts.find((a) => a.id === alert.id)).toMatchObject({ matterId: matter.id, clientId: matter.clientId });
    expect(list.names.users.map((u) => u.name)).toContain('Arthur Attorney');
    expect(list.names.matters.map((m) => m.number)).toContain(matter.number);
    expect(await latest('alert.read', officer)).toMatchObject({ outcome: 'allowed' });
  });

  it('refuses the alerts and the reports to an attorney, with nothing named, and records each refusal', async () => {
    for (const url of ['/api/v1/audit/alerts', `/api/v1/audit/reports/access?matterId=${matter.id}`, `/api/v1/audit/events?actorId=${attorney.id}`]) {
      const response = await get(url, attorney);
      expect(response.statusCode, url).toBe(403);
      expect(response.body).not.toMatch(/Arthur|names/);
    }
    expect(await latest('alert.read', attorney)).toMatchObject({ outcome: 'denied', reason: 'ROLE' });
    expect(await latest('audit.report.access', attorney)).toMatchObject({ outcome: 'denied', reason: 'ROLE', otherType: 'matter', otherId: matter.id });
  });

  it('records signing a checkpoint and reading the verification status, allowed and denied', async () => {
    const admin = await buildUser(instance, { role: 'firm_admin' });
    expect((await post('/api/v1/audit/checkpoints', admin)).statusCode).toBe(200);
    expect((await get('/api/v1/audit/verification', admin)).statusCode).toBe(200);
    expect((await post('/api/v1/audit/checkpoints', attorney)).statusCode).toBe(403);
    expect(await latest('audit.checkpoint.create', admin)).toMatchObject({ outcome: 'allowed' });
    expect(await latest('audit.verification.read', admin)).toMatchObject({ outcome: 'allowed' });
    expect(await latest('audit.checkpoint.create', attorney)).toMatchObject({ outcome: 'denied', reason: 'ROLE' });
  });

  it('acknowledges once, recorded in the same transaction; an unknown alert is a 404 recorded as denied', async () => {
    const alert = await raiseAlert(instance.services, { rule: 'repeated_denials', actorId: attorney.id, severity: 'critical', firstIndex: null, lastIndex: null, detail: { denials: 5 }, contain: false });
    expect((await post(`/api/v1/audit/alerts/${alert.id}/acknowledge`, officer)).statusCode).toBe(200);
    const acknowledged = (await events(`actorId=${officer.id}&action=alert.acknowledge&limit=1000`)).events.filter((e) => e.event.otherId === alert.id);
    expect(acknowledged.map((e) => e.event.outcome)).toEqual(['allowed']);
    const missing = await post('/api/v1/audit/alerts/0000-0000/acknowledge', officer);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('ALERT_NOT_FOUND');
    expect(await latest('alert.acknowledge', officer)).toMatchObject({ outcome: 'denied', reason: 'NOT_FOUND', otherId: '0000-0000' });
  });

  it('puts no name in an event itself: leaves keep opaque ids only', async () => {
    const page = await events(`actorId=${attorney.id}&limit=1000`);
    for (const e of page.events) expect(JSON.stringify(e.event)).not.toMatch(/Arthur|Northwind/);
    expect(page.events.some((e) => UUID.test(e.event.matterId ?? ''))).toBe(true);
  });
});
