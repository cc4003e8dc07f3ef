import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClientId, MatterId } from '../../common/ids.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { DIALECTS } from '../test-support/dialects.js';
import { createProbeTable } from '../test-support/audit-probe.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import { nextRequest, userContext, seedMatter } from '../test-support/access.js';
import { buildUser } from '../test-support/factories.js';
import { startBreakGlass } from './break-glass.service.js';
import { createWall } from './walls.service.js';
import type { ManualClock } from '../platform/clock.js';
import { tablesOf } from '../platform/db/database.js';
import type { AccessTables } from './access.tables.js';
import { requireAccess, scopeFor } from './index.js';

vi.mock('../audit/index.js', () => import('../test-support/audit-probe.js'));

// The tests seed and read access's tables directly (production code goes through the repositories).
const db = (ctx: RequestContext) => tablesOf<AccessTables>(ctx.db);

describe.each(DIALECTS)('access core on %s', (dialect) => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await createTestInstance(dialect, { http: false });
  });
  afterAll(async () => instance?.close());

  it('lets the matter lead and the client creator in, and resolves the owning client', async () => {
    const lead = userContext(instance, 'attorney');
    const { clientId, matterId } = await seedMatter(instance, lead.actor.userId);
    const authorized = await requireAccess(lead, 'document.read', { kind: 'matter', matterId });
    expect(authorized.clientId).toBe(clientId);
    expect(authorized.matterId).toBe(matterId);
    expect((await requireAccess(lead, 'client.read', { kind: 'client', clientId })).clientId).toBe(clientId);
  });

  it('denies by default, with the same error for a missing and a forbidden matter', async () => {
    const lead = userContext(instance, 'attorney');
    const stranger = userContext(instance, 'attorney');
    const { clientId, matterId } = await seedMatter(instance, lead.actor.userId);
    const forbidden = await requireAccess(stranger, 'matter.read', { kind: 'matter', matterId }).catch((e: unknown) => e);
    const missing = await requireAccess(stranger, 'matter.read', { kind: 'matter', matterId: '0190aaaa-0000-7000-8000-000000000000' as MatterId }).catch((e: unknown) => e);
    expect(forbidden).toMatchObject({ code: 'ACCESS_DENIED', status: 404, message: 'Not found' });
    expect(missing).toMatchObject({ code: 'ACCESS_DENIED', status: 404, message: 'Not found' });
    await expect(requireAccess(stranger, 'client.read', { kind: 'client', clientId })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    await expect(requireAccess(stranger, 'client.read', { kind: 'client', clientId: 'nope' as ClientId })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
  });

  it('gives firm admins no client data but their firm permissions', async () => {
    const admin = userContext(instance, 'firm_admin');
    const { clientId, matterId } = await seedMatter(instance, admin.actor.userId);
    // Even as the recorded creator of a client, an admin's firm role holds no client data...
    await expect(requireAccess(admin, 'user.manage', { kind: 'firm' })).resolves.toMatchObject({ kind: 'firm', clientId: null });
    await expect(requireAccess(admin, 'client.create', { kind: 'firm' })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    // ...and even a seat and a grant recorded for an admin (rows no service writes for them) open
    // nothing: the firm role is checked before any basis.
    await expect(requireAccess(admin, 'matter.read', { kind: 'matter', matterId })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    await expect(requireAccess(admin, 'client.read', { kind: 'client', clientId })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    expect(await (await scopeFor(admin, 'matter.read')).apply(db(admin).selectFrom('access_matters').select('matter_id'), 'matter_id', 'matter').execute()).toEqual([]);
    const otherAdmin = userContext(instance, 'firm_admin');
    await expect(requireAccess(otherAdmin, 'document.read', { kind: 'matter', matterId })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
  });

  it('requires an MFA-completed session for client data (gate on by default)', async () => {
    const lead = userContext(instance, 'attorney');
    const { matterId } = await seedMatter(instance, lead.actor.userId);
    const noMfa = userContext(instance, 'attorney', { userId: lead.actor.userId, mfa: false });
    await expect(requireAccess(noMfa, 'matter.read', { kind: 'matter', matterId })).rejects.toMatchObject({ code: 'MFA_REQUIRED' });
    expect((await scopeFor(noMfa, 'matter.read')).apply(db(noMfa).selectFrom('access_matters').select('matter_id'), 'matter_id', 'matter')).toBeDefined();
    const rows = await (await scopeFor(noMfa, 'matter.read')).apply(db(noMfa).selectFrom('access_matters').select('matter_id'), 'matter_id', 'matter').execute();
    expect(rows).toEqual([]);
  });

  it('scopes lists by matter and by client in SQL', async () => {
    const lead = userContext(instance, 'attorney');
    const other = userContext(instance, 'attorney');
    const mine = await seedMatter(instance, lead.actor.userId);
    const theirs = await seedMatter(instance, other.actor.userId);
    const byMatter = await (await scopeFor(lead, 'matter.read')).apply(db(lead).selectFrom('access_matters').select('matter_id'), 'matter_id', 'matter').execute();
    expect(byMatter.map((r) => r.matter_id)).toEqual([mine.matterId]);
    const byClient = await (await scopeFor(lead, 'client.read')).apply(db(lead).selectFrom('access_clients').select('client_id'), 'client_id', 'client').execute();
    expect(byClient.map((r) => r.client_id)).toEqual([mine.clientId]);
    const count = await (await scopeFor(other, 'matter.read')).apply(db(other).selectFrom('access_matters').select((eb) => eb.fn.countAll<number>().as('n')), 'matter_id', 'matter').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    expect(theirs.matterId).not.toBe(mine.matterId);
  });
});

describe.each(DIALECTS)('denials inside a transaction on %s', (dialect) => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await createTestInstance(dialect, { http: false });
    await createProbeTable(instance.system());
  });
  afterAll(async () => instance?.close());

  it('commits the denied event after the rollback, without deadlocking the one SQLite connection', async () => {
    const lead = userContext(instance, 'attorney');
    const stranger = userContext(instance, 'attorney');
    const { matterId } = await seedMatter(instance, lead.actor.userId);
    const work = inTransaction(stranger, async (tx) => {
      await sql`insert into test_audit_probe (action, outcome) values ('doomed.write', 'allowed')`.execute(tx.db);
      await requireAccess(tx, 'document.write', { kind: 'matter', matterId });
    });
    await expect(work).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    const rows = await sql<{ action: string; outcome: string; reason: string | null; matter_id: string | null }>`select action, outcome, reason, matter_id from test_audit_probe`.execute(instance.services.database.db);
    // The caller's own write was rolled back; the denial survived.
    expect(rows.rows.map((r) => r.action)).not.toContain('doomed.write');
    expect(rows.rows).toContainEqual({ action: 'document.write', outcome: 'denied', reason: 'NOT_ON_TEAM', matter_id: matterId });
  });

  it('records an allowed decision in the caller transaction (rolled back with it)', async () => {
    const lead = userContext(instance, 'attorney');
    const { matterId } = await seedMatter(instance, lead.actor.userId);
    await expect(
      inTransaction(lead, async (tx) => {
        await requireAccess(tx, 'note.write', { kind: 'matter', matterId });
        throw new Error('later failure');
      }),
    ).rejects.toThrow('later failure');
    const rows = await sql<{ n: number }>`select count(*) as n from test_audit_probe where action = 'note.write' and matter_id = ${matterId}`.execute(instance.services.database.db);
    expect(Number(rows.rows[0]!.n)).toBe(0);
  });
});

describe.each(DIALECTS)('break-glass in decisions and scopes on %s', (dialect) => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await createTestInstance(dialect, { http: false, env: { BREAK_GLASS_MIN_ACCOUNT_AGE_DAYS: '0' } });
    // The probe (module-wide once an earlier suite turned it on) writes to this table.
    await createProbeTable(instance.system());
  });
  afterAll(async () => instance?.close());

  it('passes an inclusionary lock and an unacknowledged memo for one hour, never an exclusionary wall', async () => {
    // Walls name real people: the directory checks them (the composition root installs it here too).
    const person = async (role: 'attorney' | 'compliance_officer') => userContext(instance, role, { userId: (await buildUser(instance, { role })).id });
    const lead = await person('attorney');
    const compliance = await person('compliance_officer');
    const responder = await person('attorney');
    const locked = await seedMatter(instance, lead.actor.userId);
    const screened = await seedMatter(instance, lead.actor.userId);
    await createWall(compliance, { kind: 'inclusionary', matterId: locked.matterId, userIds: [lead.actor.userId], memo: 'Locked to the lead.' });
    await createWall(compliance, { kind: 'exclusionary', matterId: screened.matterId, userIds: [responder.actor.userId], memo: 'Screened.' });
    const inScope = async (ctx: typeof responder) =>
      (await (await scopeFor(ctx, 'document.read')).apply(db(ctx).selectFrom('access_matters').select('matter_id').where('matter_id', 'in', [locked.matterId, screened.matterId]), 'matter_id', 'matter').execute()).map((r) => r.matter_id);
    await expect(requireAccess(nextRequest(responder), 'document.read', { kind: 'matter', matterId: locked.matterId })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    const session = await startBreakGlass(nextRequest(responder), { matterId: locked.matterId, justification: 'Hearing moved to this afternoon; the lead is in surgery.' });
    await expect(startBreakGlass(nextRequest(responder), { matterId: screened.matterId, justification: 'Hearing moved to this afternoon; the lead is in surgery.' })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    const during = nextRequest(responder);
    expect((await requireAccess(during, 'document.read', { kind: 'matter', matterId: locked.matterId })).clientId).toBe(locked.clientId);
    await expect(requireAccess(during, 'matter.team.manage', { kind: 'matter', matterId: locked.matterId })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    expect(await inScope(during)).toEqual([locked.matterId]);
    (instance.clock as ManualClock).set(session.expiresAt);
    const after = nextRequest(responder);
    await expect(requireAccess(after, 'document.read', { kind: 'matter', matterId: locked.matterId })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    expect(await inScope(after)).toEqual([]);
  });

  it('requires a second factor completed within ten minutes', async () => {
    const lead = userContext(instance, 'attorney');
    const { matterId } = await seedMatter(instance, lead.actor.userId);
    const stale = userContext(instance, 'attorney');
    stale.actor.mfaAt = instance.clock.now() - 11 * 60_000;
    await expect(startBreakGlass(stale, { matterId, justification: 'Hearing moved to this afternoon; the lead is in surgery.' })).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
  });
});
