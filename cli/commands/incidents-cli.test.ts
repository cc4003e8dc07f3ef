import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test-support/dialects.js';
import { buildSession, buildUser } from '../../server/test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../server/test-support/test-instance.js';
import { runCli } from '../cli.testing.js';

describe.each(DIALECTS)('confidant incidents on %s', (dialect) => {
  let instance: TestInstance;
  const saved = { ...process.env };
  const run = runCli;
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    process.env.CONFIDANT_DATA_DIR = instance.database.dataDir;
    process.env.DATABASE_URL = instance.database.url;
    process.env.LOG_LEVEL = 'silent';
  });
  afterAll(async () => {
    process.env = saved;
    await instance.close();
  });

  it('lists the open incidents with their next deadline, shows one, prints the regimes', async () => {
    expect((await run('incidents', 'list')).lines).toEqual(['No incidents.']);
    const officer = await buildUser(instance, { role: 'compliance_officer' });
    const headers = { ...(await buildSession(instance, officer)).headers, 'content-type': 'application/json' };
    const created = await instance.app.inject({ method: 'POST', url: '/api/v1/incidents', headers, payload: JSON.stringify({ title: 'Ransomware on a file server', description: 'Encrypted share found at 07:00.' }) });
    const { id, number } = created.json<{ id: string; number: string }>();
    await instance.app.inject({ method: 'PUT', url: `/api/v1/incidents/${id}/regimes`, headers, payload: JSON.stringify({ regimes: ['gdpr'] }) });
    const list = await run('incidents', 'list');
    expect(list.code).toBe(0);
    expect(list.lines.join('\n')).toMatch(new RegExp(`^${number}  reported .*Ransomware on a file server  — next: Notify the supervisory authority \\(Art\\. 33\\), due .* \\(running\\)$`));
    const shown = await run('incidents', 'show', id);
    expect(JSON.parse(shown.lines.join('\n'))).toMatchObject({ id, number, regimes: ['gdpr'] });
    expect((await run('incidents', 'show', 'not-an-id')).code).toBe(2);
    const regimes = await run('incidents', 'regimes');
    expect(regimes.lines).toContain('gdpr: GDPR (EU) 2016/679');
    expect((await run('incidents', 'remind')).lines).toEqual(['Reminders sent: 0.']);
  });
});
