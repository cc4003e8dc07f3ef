import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../test-support/dialects.js';
import { userContext } from '../test-support/access.js';
import { buildMatter, buildUser, buildWall, type BuiltMatter, type BuiltUser } from '../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import { describeTargets } from './index.js';

describe.each(DIALECTS)('describeTargets on %s', (dialect) => {
  let instance: TestInstance;
  let matter: BuiltMatter;
  let outsider: BuiltUser;
  let walled: BuiltUser;
  let walledMatter: BuiltMatter;

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    matter = await buildMatter(instance, { title: 'Harbour acquisition' });
    outsider = await buildUser(instance, { role: 'attorney', name: 'Olive Outsider' });
    walled = await buildUser(instance, { role: 'attorney', name: 'Walter Walled' });
    // A second matter of the same lead, with a wall screening one colleague (the lead still has its memo to acknowledge).
    walledMatter = await buildMatter(instance, { lead: matter.lead, title: 'Screened dispute' });
    await buildWall(instance, { matter: walledMatter, members: [walled] });
  });
  afterAll(async () => instance?.close());

  const asUser = (user: BuiltUser) => userContext(instance, user.role, { userId: user.id });

  it('gives the lead the number, title and client name of their matter', async () => {
    const labels = await describeTargets(asUser(matter.lead), { matterIds: [matter.id], clientIds: [matter.clientId], userIds: [matter.lead.id] });
    expect(labels.matters.get(matter.id)).toEqual({ number: matter.number, clientId: matter.clientId, title: 'Harbour acquisition', clientName: matter.client.name });
    expect(labels.clients.get(matter.clientId)).toEqual({ name: matter.client.name });
    expect(labels.users.get(matter.lead.id)?.name).toBe(matter.lead.name);
  });

  it('gives someone off the matter its number only, and people by name', async () => {
    const labels = await describeTargets(asUser(outsider), { matterIds: [matter.id], clientIds: [matter.clientId], userIds: [matter.lead.id, outsider.id] });
    expect(labels.matters.get(matter.id)).toEqual({ number: matter.number, clientId: matter.clientId, title: null, clientName: null });
    expect(labels.clients.get(matter.clientId)).toEqual({ name: null });
    expect(labels.users.get(matter.lead.id)?.name).toBe(matter.lead.name);
  });

  it('hides the title from a walled user, and from the lead until the wall memo is acknowledged', async () => {
    const screened = await describeTargets(asUser(walled), { matterIds: [walledMatter.id] });
    expect(screened.matters.get(walledMatter.id)).toMatchObject({ number: walledMatter.number, title: null, clientName: null });
    const lead = await describeTargets(asUser(matter.lead), { matterIds: [walledMatter.id, matter.id] });
    expect(lead.matters.get(walledMatter.id)?.title).toBeNull();
    expect(lead.matters.get(matter.id)?.title).toBe('Harbour acquisition');
  });

  it('leaves unknown and empty ids out', async () => {
    const labels = await describeTargets(asUser(matter.lead), { matterIds: ['00000000-0000-4000-8000-000000000000', null, ''], userIds: [undefined] });
    expect(labels.matters.size).toBe(0);
    expect(labels.users.size).toBe(0);
  });
});
