/**
 * The factories build real data: a factory alone gives a usable object with its parents (client →
 * matter → document), sealed like one a person made, and a built wall screens its members.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './dialects.js';
import { buildClient, buildDocument, buildFirm, buildMatter, buildSession, buildUser, buildWall } from './factories.js';
import { createTestInstance, type TestInstance } from './test-instance.js';

describe.each(DIALECTS)('test factories on %s', (dialect) => {
  let instance: TestInstance;
  const get = (url: string, headers: Record<string, string>) => instance.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
  });
  afterAll(async () => instance?.close());

  it('buildFirm gives an administrator, a compliance officer and an attorney who can sign requests', async () => {
    const firm = await buildFirm(instance);
    expect([firm.admin.role, firm.compliance.role, firm.attorney.role]).toEqual(['firm_admin', 'compliance_officer', 'attorney']);
    expect((await get('/auth/session', firm.attorney.headers)).statusCode).toBe(200);
    const session = await buildSession(instance, firm.admin);
    expect((await get('/auth/session', session.headers)).json()).toMatchObject({ user: { id: firm.admin.id }, session: { id: session.sessionId, mfaCompleted: true } });
  });

  it('buildDocument alone builds its matter, client and lead attorney; the lead reads it back', async () => {
    const document = await buildDocument(instance, { name: 'Exhibit A.txt', content: 'the factory exhibit' });
    const { matter } = document;
    expect(matter.lead.role).toBe('attorney');
    expect(matter.client.by.id).toBe(matter.lead.id);
    expect((await get(`/matters/${matter.id}`, matter.lead.headers)).json()).toMatchObject({ id: matter.id, clientId: matter.client.id, title: matter.title, leadUserId: matter.lead.id });
    expect((await get(`/clients/${matter.client.id}`, matter.lead.headers)).json()).toMatchObject({ id: matter.client.id, name: matter.client.name });
    expect((await get(`/documents/${document.id}`, matter.lead.headers)).json()).toMatchObject({ id: document.id, name: 'Exhibit A.txt' });
    const content = await get(`/documents/${document.id}/content`, matter.lead.headers);
    expect(content.statusCode).toBe(200);
    expect(content.rawPayload.equals(Buffer.from('the factory exhibit'))).toBe(true);
  });

  it('builds a client sealed and keyed like a real one: the name is not stored in clear', async () => {
    const client = await buildClient(instance, { name: 'Plaintext Probe Holdings' });
    const row = (await sql<{ name_sealed: string }>`select name_sealed from vault_clients where id = ${client.id}`.execute(instance.services.database.db)).rows[0];
    expect(row).toBeDefined();
    expect(row!.name_sealed).not.toContain('Plaintext Probe');
    const keys = await sql<{ state: string }>`select state from keys_client_keys where client_id = ${client.id}`.execute(instance.services.database.db);
    expect(keys.rows.map((key) => key.state)).toEqual(['active']);
  });

  it('buildMatter uses a given client and lead; a stranger gets 404', async () => {
    const lead = await buildUser(instance, { role: 'attorney' });
    const client = await buildClient(instance, { by: lead });
    const matter = await buildMatter(instance, { client, title: 'Acme v. Globex' });
    expect(matter.lead.id).toBe(lead.id);
    expect(matter.clientId).toBe(client.id);
    const stranger = await buildUser(instance, { role: 'attorney' });
    expect((await get(`/matters/${matter.id}`, stranger.headers)).statusCode).toBe(404);
  });

  it('buildWall (with its own compliance officer) screens a team member from the matter', async () => {
    const matter = await buildMatter(instance);
    const before = await get(`/matters/${matter.id}`, matter.lead.headers);
    expect(before.statusCode).toBe(200);
    const wall = await buildWall(instance, { matter, members: [matter.lead], memo: 'Screened: advised the other side.' });
    expect(wall.by.role).toBe('compliance_officer');
    expect(wall).toMatchObject({ kind: 'exclusionary', matterId: matter.id, clientId: matter.clientId, memberIds: [matter.lead.id] });
    expect((await get(`/matters/${matter.id}`, matter.lead.headers)).statusCode).toBe(404);
    expect((await get(`/walls/${wall.id}`, wall.by.headers)).json()).toMatchObject({ id: wall.id, kind: 'exclusionary' });
  });

  it('a refused factory call throws with the answer instead of returning half-built data', async () => {
    const admin = await buildUser(instance, { role: 'firm_admin' });
    await expect(buildClient(instance, { by: admin })).rejects.toThrow(/^buildClient: the server answered 4\d\d /);
  });
});
