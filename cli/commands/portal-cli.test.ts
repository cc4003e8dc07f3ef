import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test-support/dialects.js';
import { buildPortalContact, type BuiltPortalContact } from '../../server/test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../server/test-support/test-instance.js';
import { captureIo as capture } from '../cli.testing.js';
import { main } from '../main.js';

describe.each(DIALECTS)('confidant portal on %s', (dialect) => {
  let instance: TestInstance;
  let contact: BuiltPortalContact;
  const saved = { ...process.env };
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    process.env.CONFIDANT_DATA_DIR = instance.database.dataDir;
    process.env.DATABASE_URL = instance.database.url;
    process.env.LOG_LEVEL = 'silent';
    contact = await buildPortalContact(instance);
  });
  afterAll(async () => {
    process.env = saved;
    await instance?.close();
  });

  it("lists a client's contacts and disables one, ending their session at once (audited as the operator)", async () => {
    const list = capture();
    expect(await main(['node', 'confidant', 'portal', 'contacts', '--client', contact.clientId, '--json'], list)).toBe(0);
    expect((JSON.parse(list.lines.join('\n')) as { id: string; email: string }[]).map((c) => c.email)).toEqual([contact.email]);
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/portal/home', headers: contact.headers })).statusCode).toBe(200);
    const disable = capture();
    expect(await main(['node', 'confidant', 'portal', 'disable', '--contact', contact.id], disable)).toBe(0);
    expect(disable.lines[0]).toContain('is disabled');
    expect((await instance.app.inject({ method: 'GET', url: '/api/v1/portal/home', headers: contact.headers })).statusCode).toBe(401);
    const event = await instance.services.database.db.selectFrom('audit_event').select(['actor_type', 'actor_id']).where('action', '=', 'portal.contact_disable').executeTakeFirst();
    expect(event).toMatchObject({ actor_type: 'system', actor_id: 'cli.portal' });
    const bad = capture();
    expect(await main(['node', 'confidant', 'portal', 'contacts', '--client', 'not-an-id'], bad)).toBe(2);
  });
});
