/**
 * The composition root: what each module provides is installed into one instance's services, by
 * the server, the CLI and the test harness alike — never process-wide, so a second instance in the
 * same process starts with nothing and a CLI command checks people against the real directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatterId } from '../../common/ids.js';
import { extensionsOf } from '../access/extensions.js';
import { firmAuthorizer } from '../audit/hooks.js';
import { createWall } from '../access/walls.service.js';
import { systemContext } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import { createLogger } from '../platform/logging/logger.js';
import { closeServices, createServices } from '../platform/services.js';
import { seedMatter, userContext } from '../test-support/access.js';
import { DIALECTS } from '../test-support/dialects.js';
import { buildUser } from '../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import { composeModules, MODULES } from './registry.js';

describe.each(DIALECTS)('composition root on %s', (dialect) => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await createTestInstance(dialect, { http: false });
  });
  afterAll(async () => instance?.close());

  it('installs every provision a module declares, for this instance only', async () => {
    const extensions = extensionsOf(instance.services);
    expect(extensions.userDirectory).not.toBeNull();
    expect(extensions.sealingKey).not.toBeNull();
    expect([...extensions.gates.keys()].sort()).toEqual(['confidentiality_agreement', 'confidentiality_training', 'mfa', 'policy_acknowledged']);
    expect([...extensions.approvalKinds.keys()].sort()).toEqual(['access.grant', 'access.wall.lift', 'identity.invite', 'identity.mfa.reset', 'identity.role', 'keys.shred']);
    expect([...extensions.parentResolvers.keys()].sort()).toEqual(['access_review_item', 'certificate', 'consent', 'disclosure', 'disposition', 'document', 'legal_hold', 'note', 'party', 'portal_consent_request', 'portal_contact', 'portal_export_request', 'portal_file_request', 'portal_thread', 'record']);
    expect(extensions.clientReach).not.toBeNull();
    const declared = MODULES.flatMap((m) => m.provides?.access?.approvalKinds ?? []).map((k) => k.kind);
    expect(declared.sort()).toEqual([...extensions.approvalKinds.keys()].sort());
    // Services nobody composed share none of it.
    const other = createServices(instance.config, { clock: instance.clock, logger: createLogger({ logLevel: 'silent' }) });
    try {
      expect(extensionsOf(other).userDirectory).toBeNull();
      expect(extensionsOf(other).gates.size).toBe(0);
      composeModules(other);
      expect(extensionsOf(other).gates.size).toBe(4);
      expect(extensionsOf(other).userDirectory).not.toBe(null);
    } finally {
      await closeServices(other);
    }
  });

  it('gives audit the access policy to ask, instead of role lists of its own', async () => {
    const authorize = firmAuthorizer(instance.services)!;
    expect(authorize).not.toBeNull();
    expect(await authorize(userContext(instance, 'compliance_officer'), 'audit.read')).toBe(true);
    expect(await authorize(userContext(instance, 'firm_admin'), 'audit.read')).toBe(false);
    expect(await authorize(userContext(instance, 'firm_admin'), 'audit.status.read')).toBe(true);
    expect(await authorize(userContext(instance, 'attorney'), 'audit.status.read')).toBe(false);
  });

  it('checks people against the directory wherever the modules are composed (not ids as given)', async () => {
    const officer = await buildUser(instance, { role: 'compliance_officer' });
    const lead = await buildUser(instance, { role: 'attorney' });
    const { matterId } = await seedMatter(instance, lead.id);
    const ctx = userContext(instance, 'compliance_officer', { userId: officer.id });
    await expect(createWall(ctx, { kind: 'exclusionary', matterId: matterId as MatterId, userIds: [newId()], memo: 'Made-up person.' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    // A system context (what the CLI builds) runs against the same directory.
    expect(await extensionsOf(systemContext(instance.services, 'cli').app).userDirectory!.getUsers(systemContext(instance.services, 'cli'), [lead.id, newId()])).toHaveLength(1);
  });
});
