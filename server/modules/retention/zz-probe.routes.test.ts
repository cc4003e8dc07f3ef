// THROWAWAY PROBE (review) — delete after running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildDocument, buildMatter, buildPortalContact, buildSession, buildUser, type BuiltMatter, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { runRetention } from './disposition.service.js';

type Headers = Record<string, string>;
const DAY = 86_400_000;

describe.each(DIALECTS)('probe on %s', (dialect) => {
  let instance: TestInstance;
  let compliance: BuiltUser;
  let complianceSession: Headers;
  let outsider: BuiltUser;
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, headers: Headers = {}, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const dispositionOf = async (itemId: string) => ((await api('GET', '/dispositions', compliance.headers)).json().items as { id: string; itemId: string; status: string; snapshotHash: string; sensitive: boolean; approvalsRequired: number; dueAt: number; certificateId: string | null }[]).find((d) => d.itemId === itemId);
  const close = async (m: BuiltMatter, body: Record<string, unknown> = {}) => api('POST', `/matters/${m.id}/close`, m.lead.headers, { reason: 'Done', ...body });

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    compliance = await buildUser(instance, { role: 'compliance_officer' });
    complianceSession = (await buildSession(instance, compliance)).headers;
    outsider = await buildUser(instance, { role: 'attorney' });
    // Six years after closing, and a legal minimum of six years everywhere.
    expect((await api('POST', '/retention/minimums', compliance.headers, { minDays: 2190, citation: 'Rule 6' })).statusCode).toBe(201);
    expect((await api('POST', '/retention/schedules', compliance.headers, { name: 'Six years', trigger: 'matter_closed', periodDays: 2190, action: 'destroy' })).statusCode).toBe(201);
  });
  afterAll(async () => {
    await instance?.close();
  });

  it('P1 backdated closing defeats the legal minimum; the lead alone destroys at once', async () => {
    const m = await buildMatter(instance);
    const doc = await buildDocument(instance, { matter: m, content: 'evidence' });
    const past = Date.UTC(2010, 0, 1);
    const patched = await api('PATCH', `/matters/${m.id}`, m.lead.headers, { openedAt: past });
    console.log('P1 patch openedAt', patched.statusCode);
    const closed = await close(m, { closedAt: past + DAY });
    console.log('P1 close backdated', closed.statusCode, closed.statusCode !== 200 ? closed.body : '');
    await runRetention(instance.services);
    const d = await dispositionOf(m.id);
    console.log('P1 queued', d?.status, d ? new Date(d.dueAt).toISOString() : null);
    if (!d) return;
    const lead = (await buildSession(instance, m.lead)).headers;
    const ap = await api('POST', `/dispositions/${d.id}/approve`, lead, { snapshotHash: d.snapshotHash });
    console.log('P1 lead approves alone', ap.statusCode, ap.json().status);
    await runRetention(instance.services);
    console.log('P1 after run', (await dispositionOf(m.id))?.status, (await api('GET', `/documents/${doc.id}/content`, m.lead.headers)).statusCode);
  });

  it('P2 stale manifest after hold/release: an open (reopened) matter with new content is destroyed', async () => {
    const m = await buildMatter(instance);
    const past = Date.UTC(2010, 0, 1);
    await api('PATCH', `/matters/${m.id}`, m.lead.headers, { openedAt: past });
    await buildDocument(instance, { matter: m, content: 'old' });
    expect((await close(m, { closedAt: past + DAY })).statusCode).toBe(200);
    await runRetention(instance.services);
    let d = (await dispositionOf(m.id))!;
    const lead = (await buildSession(instance, m.lead)).headers;
    expect((await api('POST', `/dispositions/${d.id}/approve`, lead, { snapshotHash: d.snapshotHash })).json().status).toBe('approved');
    const hold = await api('POST', '/legal-holds', compliance.headers, { clientId: m.clientId, matterId: m.id, scope: 'matter', name: 'H', reason: 'R' });
    expect(hold.statusCode).toBe(201);
    await runRetention(instance.services);
    console.log('P2 status after run with hold', (await dispositionOf(m.id))?.status);
    expect((await api('POST', `/legal-holds/${hold.json().id as string}/release`, compliance.headers, { reason: 'done' })).statusCode).toBe(200);
    await runRetention(instance.services);
    d = (await dispositionOf(m.id))!;
    console.log('P2 after release', d.status);
    const ap = await api('POST', `/dispositions/${d.id}/approve`, lead, { snapshotHash: d.snapshotHash });
    console.log('P2 re-approve', ap.statusCode, ap.json().status);
    // Reopen, and add new privileged work.
    console.log('P2 reopen', (await api('POST', `/matters/${m.id}/reopen`, m.lead.headers, {})).statusCode);
    const late = await buildDocument(instance, { matter: m, content: 'new privileged work', privileged: true });
    const res = await runRetention(instance.services);
    console.log('P2 run', JSON.stringify(res));
    const after = await dispositionOf(m.id);
    console.log('P2 final', after?.status, 'matter', (await api('GET', `/matters/${m.id}`, m.lead.headers)).statusCode, 'late doc', (await api('GET', `/documents/${late.id}/content`, m.lead.headers)).statusCode);
    if (after?.certificateId) {
      const cert = (await api('GET', `/certificates/${after.certificateId}`, compliance.headers)).json();
      console.log('P2 certificate lists late doc?', JSON.stringify(cert).includes(late.id));
    }
  });

  it('P3 sensitivity not recomputed when the snapshot is replaced', async () => {
    const m = await buildMatter(instance);
    const past = Date.UTC(2010, 0, 1);
    await api('PATCH', `/matters/${m.id}`, m.lead.headers, { openedAt: past });
    await buildDocument(instance, { matter: m, content: 'plain' });
    expect((await close(m, { closedAt: past + DAY })).statusCode).toBe(200);
    await runRetention(instance.services);
    let d = (await dispositionOf(m.id))!;
    console.log('P3 queued sensitive', d.sensitive);
    await api('POST', `/matters/${m.id}/reopen`, m.lead.headers, {});
    const priv = await buildDocument(instance, { matter: m, content: 'privileged advice', privileged: true });
    expect((await close(m, { closedAt: past + 2 * DAY })).statusCode).toBe(200);
    const lead = (await buildSession(instance, m.lead)).headers;
    const first = await api('POST', `/dispositions/${d.id}/approve`, lead, { snapshotHash: d.snapshotHash });
    console.log('P3 stale approve', first.statusCode, first.json().error?.code);
    await new Promise((r) => setTimeout(r, 300));
    d = (await dispositionOf(m.id))!;
    console.log('P3 after resnapshot sensitive', d.sensitive, 'required', d.approvalsRequired);
    const ap = await api('POST', `/dispositions/${d.id}/approve`, lead, { snapshotHash: d.snapshotHash });
    console.log('P3 lead alone', ap.statusCode, ap.json().status);
    await runRetention(instance.services);
    console.log('P3 final', (await dispositionOf(m.id))?.status, 'privileged doc', (await api('GET', `/documents/${priv.id}/content`, m.lead.headers)).statusCode);
  });

  it('P4 custodian hold on a record escapes by check-in', async () => {
    const m = await buildMatter(instance);
    const para = await buildUser(instance, { role: 'paralegal' });
    console.log('P4 seat', (await api('PUT', `/matters/${m.id}/team/${para.id}`, m.lead.headers, { role: 'paralegal' })).statusCode);
    const rec = await api('POST', `/matters/${m.id}/records`, m.lead.headers, { label: 'Box 7', location: 'Shelf 1' });
    const recordId = rec.json().id as string;
    console.log('P4 out', (await api('POST', `/records/${recordId}/check-out`, para.headers)).statusCode);
    const hold = await api('POST', '/legal-holds', compliance.headers, { clientId: m.clientId, matterId: m.id, scope: 'custodian', custodianUserId: para.id, name: 'H', reason: 'R' });
    console.log('P4 hold', hold.statusCode);
    const moved = await api('POST', `/records/${recordId}/check-in`, para.headers, { location: 'Skip outside' });
    console.log('P4 check-in with new location under hold', moved.statusCode);
    const past = Date.UTC(2010, 0, 1);
    await api('PATCH', `/matters/${m.id}`, m.lead.headers, { openedAt: past });
    expect((await close(m, { closedAt: past + DAY })).statusCode).toBe(200);
    await runRetention(instance.services);
    const d = (await dispositionOf(recordId))!;
    const lead = (await buildSession(instance, m.lead)).headers;
    console.log('P4 approve record', (await api('POST', `/dispositions/${d.id}/approve`, lead, { snapshotHash: d.snapshotHash })).json().status);
    await runRetention(instance.services);
    console.log('P4 record status', (await dispositionOf(recordId))?.status, 'matter', (await dispositionOf(m.id))?.status);
    const witness = await buildUser(instance, { role: 'paralegal' });
    const done = await api('POST', `/dispositions/${d.id}/physical-destruction`, lead, { method: 'shred', witnessUserId: witness.id });
    console.log('P4 physical destruction under custodian hold', done.statusCode, done.json().status ?? done.json().error?.code);
  });

  it('P5 matter destruction marks a checked-out record destroyed without a witness', async () => {
    const m = await buildMatter(instance);
    const rec = await api('POST', `/matters/${m.id}/records`, m.lead.headers, { label: 'Box 9', location: 'Shelf 9' });
    const recordId = rec.json().id as string;
    console.log('P5 out', (await api('POST', `/records/${recordId}/check-out`, m.lead.headers)).statusCode);
    const past = Date.UTC(2010, 0, 1);
    await api('PATCH', `/matters/${m.id}`, m.lead.headers, { openedAt: past });
    expect((await close(m, { closedAt: past + DAY })).statusCode).toBe(200);
    await runRetention(instance.services);
    const d = (await dispositionOf(m.id))!;
    const lead = (await buildSession(instance, m.lead)).headers;
    await api('POST', `/dispositions/${d.id}/approve`, lead, { snapshotHash: d.snapshotHash });
    await runRetention(instance.services);
    console.log('P5 matter', (await dispositionOf(m.id))?.status);
    const row = await instance.services.database.db.selectFrom('vault_records' as 'audit_event').selectAll().where('id' as 'action', '=', recordId).executeTakeFirst();
    console.log('P5 record row', JSON.stringify(row));
    const rd = (await dispositionOf(recordId))!;
    console.log('P5 record disposition', rd?.status);
    if (rd) {
      await api('POST', `/dispositions/${rd.id}/approve`, lead, { snapshotHash: rd.snapshotHash });
      await runRetention(instance.services);
      const w = await buildUser(instance, { role: 'paralegal' });
      const done = await api('POST', `/dispositions/${rd.id}/physical-destruction`, lead, { method: 'shred', witnessUserId: w.id });
      console.log('P5 physical on checked-out-but-wiped record', done.statusCode, done.json().status ?? done.json().error?.code);
    }
  });

  it('P6 portal thread of a destroyed matter stays readable', async () => {
    const m = await buildMatter(instance);
    const contact = await buildPortalContact(instance, { matter: m });
    const doc = await buildDocument(instance, { matter: m, content: 'attached' });
    const t = await api('POST', `/matters/${m.id}/threads`, m.lead.headers, { subject: 'SECRET-SUBJECT settlement', body: 'SECRET-BODY 1.2m', attachmentIds: [doc.id] });
    console.log('P6 thread', t.statusCode, t.statusCode !== 201 ? t.body : '');
    const threadId = t.json().thread?.id as string;
    const past = Date.UTC(2010, 0, 1);
    await api('PATCH', `/matters/${m.id}`, m.lead.headers, { openedAt: past });
    expect((await close(m, { closedAt: past + DAY })).statusCode).toBe(200);
    await runRetention(instance.services);
    const d = (await dispositionOf(m.id))!;
    const lead = (await buildSession(instance, m.lead)).headers;
    await api('POST', `/dispositions/${d.id}/approve`, lead, { snapshotHash: d.snapshotHash });
    await runRetention(instance.services);
    console.log('P6 matter', (await dispositionOf(m.id))?.status);
    const staff = await api('GET', `/threads/${threadId}`, m.lead.headers);
    console.log('P6 staff read thread', staff.statusCode, staff.body.slice(0, 400));
    const list = await api('GET', `/matters/${m.id}/threads`, m.lead.headers);
    console.log('P6 staff list threads', list.statusCode, list.body.slice(0, 200));
    const portal = await api('GET', `/portal/threads/${threadId}`, contact.headers);
    console.log('P6 portal read thread', portal.statusCode, portal.body.slice(0, 300));
    const plist = await api('GET', '/portal/threads', contact.headers);
    console.log('P6 portal list', plist.statusCode, plist.body.slice(0, 300));
    const pdocs = await api('GET', '/portal/documents', contact.headers);
    console.log('P6 portal documents', pdocs.statusCode, pdocs.body.slice(0, 300));
  });

  it('P7 probing by outsiders and seat holders', async () => {
    const m = await buildMatter(instance);
    const fake = '00000000-0000-4000-8000-0000000000aa';
    const past = Date.UTC(2010, 0, 1);
    await api('PATCH', `/matters/${m.id}`, m.lead.headers, { openedAt: past });
    expect((await close(m, { closedAt: past + DAY })).statusCode).toBe(200);
    await runRetention(instance.services);
    const d = (await dispositionOf(m.id))!;
    const a = await api('GET', `/dispositions/${d.id}`, outsider.headers);
    const b = await api('GET', `/dispositions/${fake}`, outsider.headers);
    console.log('P7 disposition real/fake', a.statusCode, b.statusCode, a.json().error?.message === b.json().error?.message);
    const osess = (await buildSession(instance, outsider)).headers;
    const e1 = await api('POST', `/dispositions/${d.id}/extend`, outsider.headers, { days: 1, reason: 'x' });
    const e2 = await api('POST', `/dispositions/${fake}/extend`, outsider.headers, { days: 1, reason: 'x' });
    console.log('P7 extend real/fake', e1.statusCode, e2.statusCode);
    const p1 = await api('POST', `/dispositions/${d.id}/physical-destruction`, osess, { method: 'shred', witnessUserId: outsider.id });
    const p2 = await api('POST', `/dispositions/${fake}/physical-destruction`, osess, { method: 'shred', witnessUserId: outsider.id });
    console.log('P7 physical real/fake', p1.statusCode, p2.statusCode, p1.body.slice(0, 150), p2.body.slice(0, 150));
    const t1 = await api('POST', `/clients/${m.clientId}/termination`, outsider.headers, { anonymise: false, endedOn: '2999-01-01' });
    const t2 = await api('POST', `/clients/${fake}/termination`, outsider.headers, { anonymise: false, endedOn: '2999-01-01' });
    console.log('P7 termination future real/fake', t1.statusCode, t2.statusCode);
    // A second lead seated on a new matter of the same client.
    const other = await buildUser(instance, { role: 'attorney' });
    const m2 = await api('POST', '/matters', m.lead.headers, { clientId: m.clientId, title: 'Second' });
    const m2id = m2.json().id as string;
    await api('PUT', `/matters/${m2id}/team/${other.id}`, m.lead.headers, { role: 'lead_attorney' });
    const term = await api('POST', `/clients/${m.clientId}/termination`, other.headers, { anonymise: false });
    console.log('P7 lead on one matter terminates client', term.statusCode, term.body.slice(0, 200));
    // An assistant on m2 reads the client's termination/dispositions of m.
    const assistant = await buildUser(instance, { role: 'paralegal' });
    await api('PUT', `/matters/${m2id}/team/${assistant.id}`, m.lead.headers, { role: 'assistant' });
    const ct = await api('POST', `/clients/${m.clientId}/termination`, complianceSession, { anonymise: false });
    console.log('P7 compliance terminates with open matter', ct.statusCode, ct.body.slice(0, 200));
    await api('POST', `/matters/${m2id}/close`, m.lead.headers, { reason: 'x' });
    const ct2 = await api('POST', `/clients/${m.clientId}/termination`, complianceSession, { anonymise: false, endedOn: '2011-01-01' });
    console.log('P7 compliance terminates backdated', ct2.statusCode, ct2.body.slice(0, 400));
    const view = await api('GET', `/clients/${m.clientId}/termination`, assistant.headers);
    console.log('P7 assistant on m2 sees termination', view.statusCode, view.body.slice(0, 400));
    const letter = await api('GET', `/clients/${m.clientId}/termination/letter`, compliance.headers);
    console.log('P7 compliance letter', letter.statusCode, letter.rawPayload.toString('latin1').includes(m.client.name));
    const badq = await api('GET', '/dispositions?status=bogus', compliance.headers);
    console.log('P7 bad status enum', badq.statusCode);
    const badDay = await api('GET', '/retention/preview?on=2027-02-30', compliance.headers);
    console.log('P7 bad day', badDay.statusCode, JSON.stringify(badDay.json().error?.fields));
    const old = await api('POST', `/clients/${fake}/termination`, complianceSession, { anonymise: false, endedOn: '2027-02-30' });
    console.log('P7 bad endedOn', old.statusCode, JSON.stringify(old.json().error?.fields));
  });
});
