/**
 * The firm administrator who wants client data: an account at an address they control, a
 * promotion to compliance officer, their own role. Every account change waits for a second person
 * (another administrator or a compliance officer, never the requester or the person concerned),
 * and a refusal on an administrators' route is audited.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildUser, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';

describe.each(DIALECTS)('two-person rule for accounts on %s', (dialect) => {
  let instance: TestInstance;
  let admin: BuiltUser;
  let secondAdmin: BuiltUser;
  let officer: BuiltUser;
  const call = (user: BuiltUser, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers: user.headers, ...(payload ? { payload } : {}) });
  const events = async (actorId: string) =>
    (await sql<{ action: string; outcome: string; reason: string | null }>`select action, outcome, reason from audit_event where actor_id = ${actorId} order by seq`.execute(instance.services.database.db)).rows;
  const accountExists = async (email: string) => (await call(secondAdmin, 'GET', '/users')).json().users.some((u: { email: string }) => u.email === email);

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    admin = await buildUser(instance, { role: 'firm_admin' });
    secondAdmin = await buildUser(instance, { role: 'firm_admin' });
    officer = await buildUser(instance, { role: 'compliance_officer' });
  });
  afterAll(async () => instance?.close());

  it('an invitation of a compliance officer at any address waits for a second person', async () => {
    const filed = await call(admin, 'POST', '/users', { email: 'puppet@elsewhere.example', name: 'Puppet', role: 'compliance_officer' });
    expect(filed.statusCode).toBe(202);
    expect(filed.json().approval).toMatchObject({ kind: 'identity.invite', status: 'pending', requestedBy: admin.id });
    expect(await accountExists('puppet@elsewhere.example')).toBe(false);
    // The requester cannot approve their own request.
    const own = await call(admin, 'POST', `/approvals/${filed.json().approval.id}/decide`, { decision: 'approve' });
    expect(own.statusCode).toBe(403);
    expect(own.json().error.code).toBe('SEPARATION_OF_DUTIES');
    expect(await events(admin.id)).toContainEqual(expect.objectContaining({ action: 'approval.approve', outcome: 'denied', reason: 'SEPARATION_OF_DUTIES' }));
    // A second person may refuse it: nothing is created.
    expect((await call(secondAdmin, 'POST', `/approvals/${filed.json().approval.id}/decide`, { decision: 'reject' })).json().status).toBe('rejected');
    expect(await accountExists('puppet@elsewhere.example')).toBe(false);
  });

  it('a promotion waits for a second person who is neither the requester nor the person promoted', async () => {
    const person = await buildUser(instance, { role: 'paralegal' });
    const filed = await call(admin, 'PATCH', `/users/${person.id}`, { role: 'compliance_officer' });
    expect(filed.statusCode).toBe(202);
    expect((await call(admin, 'GET', `/users/${person.id}`)).json().role).toBe('paralegal');
    const approved = await call(officer, 'POST', `/approvals/${filed.json().approval.id}/decide`, { decision: 'approve' });
    expect(approved.statusCode).toBe(200);
    expect((await call(admin, 'GET', `/users/${person.id}`)).json().role).toBe('compliance_officer');
    // Nobody changes their own role, not even to a lesser one.
    const self = await call(secondAdmin, 'PATCH', `/users/${secondAdmin.id}`, { role: 'compliance_officer' });
    expect(self.statusCode).toBe(403);
  });

  it('a refusal on an administrators’ route is audited', async () => {
    const attorney = await buildUser(instance, { role: 'attorney' });
    expect((await call(attorney, 'GET', '/users')).statusCode).toBe(403);
    expect((await call(attorney, 'POST', '/users', { email: 'x@firm.example', name: 'X', role: 'attorney' })).statusCode).toBe(403);
    const denied = (await events(attorney.id)).filter((e) => e.action === 'user.manage' && e.outcome === 'denied');
    expect(denied).toHaveLength(2);
  });

  it('a firm whose only approver is the requester makes the change, and says so in the log', async () => {
    const fresh = await createTestInstance(dialect);
    try {
      const only = await buildUser(fresh, { role: 'firm_admin' });
      const invited = await fresh.app.inject({ method: 'POST', url: '/api/v1/users', headers: only.headers, payload: { email: 'first.officer@firm.example', name: 'First Officer', role: 'compliance_officer' } });
      expect(invited.statusCode).toBe(201);
      const rows = (await sql<{ action: string; reason: string | null }>`select action, reason from audit_event where actor_id = ${only.id}`.execute(fresh.services.database.db)).rows;
      expect(rows).toContainEqual(expect.objectContaining({ action: 'approval.waived', reason: 'identity.invite' }));
      // From now on there is a second person: the next invitation waits.
      expect((await fresh.app.inject({ method: 'POST', url: '/api/v1/users', headers: only.headers, payload: { email: 'next@firm.example', name: 'Next', role: 'attorney' } })).statusCode).toBe(202);
    } finally {
      await fresh.close();
    }
  });
});
