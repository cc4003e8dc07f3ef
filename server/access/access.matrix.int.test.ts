/**
 * The decision matrix: every permission × firm role × matter role × wall × gate × grant state,
 * against an expected decision spelled out independently of policy.ts. One firm is built with a
 * person for each (firm role, matter role, gate, grant) combination on five matters, one per wall
 * situation; every person then asks for every permission on every matter and its client.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClientId, MatterId, UserId } from '../../common/ids.js';
import { PERMISSIONS, type Permission } from '../../common/permissions.js';
import { FIRM_ROLES, MATTER_ROLES, type FirmRole, type MatterRole } from '../../common/roles.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import { DIALECTS } from '../test-support/dialects.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import { recorded } from '../test-support/audit-probe.js';
import { expected, GATES, GRANT_ROLE, GRANTS, WALLS, type Gate, type Grant, type Wall } from '../test-support/access-expected.js';
import { seedMatter, userContext } from '../test-support/access.js';
import { tablesOf } from '../platform/db/database.js';
import type { AccessTables } from './access.tables.js';
import { bumpPolicyVersion } from './facts.js';
import { requireAccess, scopeFor, type AccessTarget } from './index.js';
import { setGateEnabled } from './gates.service.js';

vi.mock('../audit/index.js', () => import('../test-support/audit-probe.js'));

// The tests seed and read access's tables directly (production code goes through the repositories).
const db = (ctx: RequestContext) => tablesOf<AccessTables>(ctx.db);

interface Person {
  userId: UserId;
  firmRole: FirmRole;
  matterRole: MatterRole | null;
  gate: Gate;
  grant: Grant;
}

describe.each(DIALECTS)('access decision matrix on %s', (dialect) => {
  let instance: TestInstance;
  const people: Person[] = [];
  const matters = new Map<Wall, { clientId: ClientId; matterId: MatterId }>();

  beforeAll(async () => {
    instance = await createTestInstance(dialect, { http: false });
    for (const firmRole of FIRM_ROLES)
      for (const matterRole of [null, ...MATTER_ROLES])
        for (const gate of GATES) for (const grant of GRANTS) people.push({ userId: newId() as UserId, firmRole, matterRole, gate, grant });
    const owner = newId() as UserId;
    const outsider = newId() as UserId;
    for (const wall of WALLS) matters.set(wall, await seedMatter(instance, owner));
    const now = instance.clock.now();
    await inTransaction(instance.system('matrix'), async (ctx) => {
      await bumpPolicyVersion(ctx);
      const d = db(ctx);
      for (const [wall, { clientId, matterId }] of matters) {
        for (const person of people) {
          if (person.matterRole) await d.insertInto('access_team_members').values({ matter_id: matterId, user_id: person.userId, role: person.matterRole, added_at: now, added_by: owner, expires_at: null }).execute();
          if (person.grant !== 'none') {
            await d
              .insertInto('access_client_grants')
              .values({
                id: newId(),
                client_id: clientId,
                user_id: person.userId,
                role: GRANT_ROLE,
                granted_at: now - 10_000,
                granted_by: owner,
                expires_at: person.grant === 'expired' ? now - 1 : now + 86_400_000,
                revoked_at: person.grant === 'revoked' ? now - 5_000 : null,
                revoked_by: null,
                reason: 'grant',
              })
              .execute();
          }
          if (person.gate !== 'no_agreement') await d.insertInto('access_agreements').values({ id: newId(), user_id: person.userId, kind: 'agreement', completed_at: now - 1000, expires_at: null, recorded_by: null }).execute();
        }
        if (wall === 'none') continue;
        const wallId = newId();
        const kind = wall === 'screened' || wall === 'unacknowledged' ? 'exclusionary' : 'inclusionary';
        await d.insertInto('access_walls').values({ id: wallId, kind, client_id: clientId, matter_id: matterId, memo: 'Screen', created_at: now, created_by: null, lifted_at: null, lifted_by: null }).execute();
        const listed = wall === 'screened' || wall === 'locked_listed' ? people.map((p) => p.userId) : [outsider];
        await d.insertInto('access_wall_members').values(listed.map((userId) => ({ wall_id: wallId, user_id: userId }))).execute();
        if (wall !== 'unacknowledged') await d.insertInto('access_wall_acknowledgements').values(people.map((p) => ({ wall_id: wallId, user_id: p.userId, acknowledged_at: now }))).execute();
      }
    });
    const compliance = userContext(instance, 'compliance_officer');
    await setGateEnabled(compliance, 'confidentiality_agreement', true);
  }, 120_000);
  afterAll(async () => instance?.close());

  it('decides every combination as expected, on matters and their clients', async () => {
    const mismatches: string[] = [];
    let decisions = 0;
    for (const person of people) {
      const ctx = userContext(instance, person.firmRole, { userId: person.userId, mfa: person.gate !== 'no_mfa' });
      for (const [wall, { clientId, matterId }] of matters) {
        for (const permission of PERMISSIONS) {
          for (const target of [{ kind: 'matter', matterId }, { kind: 'client', clientId }] as AccessTarget[]) {
            const want = expected(permission, person.firmRole, person.matterRole, wall, person.gate, person.grant, target.kind === 'matter' ? 'matter' : 'client');
            const got = await requireAccess(ctx, permission, target).then(
              () => 'allow',
              (e: { code?: string }) => e.code ?? String(e),
            );
            decisions += 1;
            if (got !== want) mismatches.push(`${permission} ${person.firmRole}/${person.matterRole ?? '-'}/${wall}/${person.gate}/${person.grant} on ${target.kind}: got ${got}, want ${want}`);
          }
        }
      }
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(decisions).toBe(people.length * WALLS.length * PERMISSIONS.length * 2);
  }, 300_000);

  it('audits every decision, allowed and denied, with opaque ids only', async () => {
    const denied = recorded.filter((e) => e.outcome === 'denied');
    const allowed = recorded.filter((e) => e.outcome === 'allowed');
    expect(denied.length).toBeGreaterThan(1000);
    expect(allowed.length).toBeGreaterThan(1000);
    expect(denied.some((e) => e.reason === 'WALL')).toBe(true);
    expect(denied.some((e) => e.reason === 'INCLUSIONARY_WALL')).toBe(true);
    for (const event of recorded.slice(0, 5000)) expect(JSON.stringify(event)).not.toContain('Screen');
  });

  it('keeps scopes consistent with decisions for every person', async () => {
    const matterIds = [...matters.values()].map((m) => m.matterId);
    const mismatches: string[] = [];
    for (const person of people.filter((_, i) => i % 3 === 0)) {
      const ctx = userContext(instance, person.firmRole, { userId: person.userId, mfa: person.gate !== 'no_mfa' });
      for (const permission of ['matter.read', 'document.write', 'client.export', 'matter.team.manage'] as Permission[]) {
        const scope = await scopeFor(ctx, permission);
        const rows = await scope.apply(db(ctx).selectFrom('access_matters').select('matter_id').where('matter_id', 'in', matterIds), 'matter_id', 'matter').execute();
        const inScope = new Set(rows.map((r) => r.matter_id));
        for (const [wall, { matterId }] of matters) {
          const allowed = expected(permission, person.firmRole, person.matterRole, wall, person.gate, person.grant, 'matter') === 'allow';
          if (inScope.has(matterId) !== allowed) mismatches.push(`${permission} ${person.firmRole}/${person.matterRole ?? '-'}/${wall}/${person.gate}/${person.grant}: scope ${inScope.has(matterId)}`);
        }
        const clientRows = await scope.apply(db(ctx).selectFrom('access_clients').select('client_id').where('client_id', 'in', [...matters.values()].map((m) => m.clientId)), 'client_id', 'client').execute();
        const clientsInScope = new Set(clientRows.map((r) => r.client_id));
        for (const [wall, { clientId }] of matters) {
          const allowed = expected(permission, person.firmRole, person.matterRole, wall, person.gate, person.grant, 'client') === 'allow';
          if (clientsInScope.has(clientId) !== allowed) mismatches.push(`client ${permission} ${person.firmRole}/${person.matterRole ?? '-'}/${wall}/${person.gate}/${person.grant}: scope ${clientsInScope.has(clientId)}`);
        }
      }
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
  }, 300_000);
});
