/**
 * Retention from both sides (issue 17): schedules never below the legal minimum; preview before
 * anything runs; legal holds that freeze edits, deletes and key destruction from their commit and
 * stay invisible to anyone off the matter; disposition reviewed, approved (two people, one the
 * compliance officer, for sensitive items), executed by the run and certified; afterwards every
 * read answers 410 or 404 and no plaintext, key or token of it remains; and the attacker's side —
 * self-approval, replayed and stale approvals, destroying held items, probing for holds.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildConsent, buildDocument, buildMatter, buildPortalContact, buildSession, buildUser, type BuiltMatter, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { instanceVerifierKey } from '../../audit/index.js';
import type { ManualClock } from '../../platform/clock.js';
import { runRetention } from './disposition.service.js';
import { remindCustodians } from './holds.service.js';
import { remindExpiringConsents } from '../consent/index.js';
import { verifyCertificate } from './certificate.js';

type Headers = Record<string, string>;
const CANARY = 'CANARY-retention-7f3a91-the-secret-settlement-figure';
const today = () => new Date().toISOString().slice(0, 10);

describe.each(DIALECTS)('retention on %s', (dialect) => {
  let instance: TestInstance;
  let compliance: BuiltUser;
  let complianceSession: Headers;
  let secondCompliance: BuiltUser;
  let outsider: BuiltUser;

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Headers = {}, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const denials = async (actorId: string, action: string) =>
    instance.services.database.db.selectFrom('audit_event').select(['action', 'reason']).where('actor_id', '=', actorId).where('action', '=', action).where('outcome', '=', 'denied').execute();
  const closeMatter = async (matter: BuiltMatter) => expect((await api('POST', `/matters/${matter.id}/close`, matter.lead.headers, { reason: 'Done' })).statusCode).toBe(200);
  const dispositionOf = async (itemId: string) => ((await api('GET', '/dispositions', compliance.headers)).json().items as { id: string; itemId: string; status: string; snapshotHash: string; sensitive: boolean; certificateId: string | null }[]).find((d) => d.itemId === itemId);

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    compliance = await buildUser(instance, { role: 'compliance_officer' });
    complianceSession = (await buildSession(instance, compliance)).headers;
    secondCompliance = await buildUser(instance, { role: 'compliance_officer' });
    outsider = await buildUser(instance, { role: 'attorney' });
    // One schedule for every test: matters are destroyed as soon as they close (period 0).
    const schedule = await api('POST', '/retention/schedules', compliance.headers, { name: 'Closed matters', trigger: 'matter_closed', periodDays: 0, action: 'destroy' });
    expect(schedule.statusCode).toBe(201);
  });
  afterAll(async () => {
    await instance?.close();
  });

  it('schedules: 401 without a session, 404 for an attorney, 400 naming the field, never below the legal minimum', async () => {
    expect((await api('GET', '/retention/schedules')).statusCode).toBe(401);
    const refused = await api('POST', '/retention/schedules', outsider.headers, { name: 'Mine', trigger: 'matter_closed', periodDays: 1, action: 'destroy' });
    expect(refused.statusCode).toBe(404);
    expect((await denials(outsider.id, 'retention.manage')).length).toBeGreaterThan(0);
    const bad = await api('POST', '/retention/schedules', compliance.headers, { name: 'Bad', trigger: 'matter_closed', periodDays: -1, action: 'destroy' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toBe('body.periodDays');
    const noDay = await api('POST', '/retention/schedules', compliance.headers, { name: 'Fixed', trigger: 'fixed_date', periodDays: 0, action: 'review' });
    expect(noDay.json().error.fields[0].path).toBe('body.fixedDate');
    expect((await api('POST', '/retention/minimums', compliance.headers, { jurisdiction: 'Ruritania', minDays: 2190, citation: 'Solicitors Rule 6.1' })).statusCode).toBe(201);
    const under = await api('POST', '/retention/schedules', compliance.headers, { name: 'Too short', jurisdiction: 'Ruritania', trigger: 'matter_closed', periodDays: 365, action: 'destroy' });
    expect(under.statusCode).toBe(400);
    expect(under.json().error).toMatchObject({ code: 'RETENTION_BELOW_MINIMUM', fields: [{ path: 'body.periodDays' }] });
    const ok = await api('POST', '/retention/schedules', compliance.headers, { name: 'Six years', jurisdiction: 'Ruritania', trigger: 'matter_closed', periodDays: 2190, action: 'review' });
    expect(ok.statusCode).toBe(201);
    // A schedule for any jurisdiction is applied at the minimum where one applies.
    const list = (await api('GET', '/retention/schedules', compliance.headers)).json().items as { name: string; periodDays: number; effectiveDays: number }[];
    expect(list.find((s) => s.name === 'Closed matters')).toMatchObject({ periodDays: 0, effectiveDays: 2190 });
    expect((await api('POST', `/retention/schedules/${ok.json().id as string}/retire`, compliance.headers)).json().status).toBe('retired');
    // Clean up the minimum so the other tests destroy at once.
    const minimums = (await api('GET', '/retention/minimums', compliance.headers)).json().items as { id: string }[];
    for (const m of minimums) expect((await api('DELETE', `/retention/minimums/${m.id}`, compliance.headers)).statusCode).toBe(204);
  });

  it('a hold freezes edits, deletes and key destruction at once; the matter team sees it, nobody else learns it exists', async () => {
    const matter = await buildMatter(instance, { title: 'Held matter' });
    const doc = await buildDocument(instance, { matter, content: 'held content' });
    expect((await api('POST', '/legal-holds', {}, { clientId: matter.clientId, matterId: matter.id, scope: 'matter', name: 'x', reason: 'y' })).statusCode).toBe(401);
    const bad = await api('POST', '/legal-holds', matter.lead.headers, { clientId: matter.clientId, matterId: matter.id, scope: 'sideways', name: 'x', reason: 'y' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toBe('body.scope');
    // An outsider cannot place one on a matter they are not on: the same 404 as a made-up matter.
    const probe = await api('POST', '/legal-holds', outsider.headers, { clientId: matter.clientId, matterId: matter.id, scope: 'matter', name: 'x', reason: 'y' });
    const madeUp = await api('POST', '/legal-holds', outsider.headers, { clientId: matter.clientId, matterId: '00000000-0000-4000-8000-000000000123', scope: 'matter', name: 'x', reason: 'y' });
    expect(probe.statusCode).toBe(404);
    expect({ ...probe.json().error, requestId: null }).toEqual({ ...madeUp.json().error, requestId: null });

    const placed = await api('POST', '/legal-holds', matter.lead.headers, { clientId: matter.clientId, matterId: matter.id, scope: 'matter', name: 'Dispute with the landlord', reason: 'Keep every lease document', notify: [matter.lead.id] });
    expect(placed.statusCode).toBe(201);
    const holdId = placed.json().id as string;
    expect(placed.json()).toMatchObject({ scope: 'matter', status: 'active', name: 'Dispute with the landlord', canRelease: false });

    // Frozen: trash, rename, new version.
    const trash = await api('POST', `/documents/${doc.id}/trash`, matter.lead.headers);
    expect(trash.statusCode).toBe(409);
    expect(trash.json().error.code).toBe('LEGAL_HOLD');
    expect((await api('PATCH', `/documents/${doc.id}`, matter.lead.headers, { name: 'renamed.txt' })).json().error.code).toBe('LEGAL_HOLD');
    expect((await denials(matter.lead.id, 'document.trash')).some((d) => d.reason === 'LEGAL_HOLD')).toBe(true);

    // Invisible to anyone off the matter: the list leaves it out, the id answers like a made-up one.
    expect(((await api('GET', '/legal-holds', outsider.headers)).json().items as { id: string }[]).some((h) => h.id === holdId)).toBe(false);
    const peek = await api('GET', `/legal-holds/${holdId}`, outsider.headers);
    const none = await api('GET', '/legal-holds/00000000-0000-4000-8000-000000000456', outsider.headers);
    expect(peek.statusCode).toBe(404);
    expect({ ...peek.json().error, requestId: null }).toEqual({ ...none.json().error, requestId: null });
    expect((await denials(outsider.id, 'hold.read')).length).toBeGreaterThan(0);
    expect(((await api('GET', '/legal-holds', matter.lead.headers)).json().items as { id: string }[]).some((h) => h.id === holdId)).toBe(true);

    // The custodian: notified by mail without content, acknowledges; an outsider's acknowledgement is a 404.
    const outbox = instance.config.mail.outboxDir;
    const mails = readdirSync(outbox).map((f) => readFileSync(join(outbox, f), 'utf8')).filter((m) => m.includes('legal hold'));
    expect(mails.length).toBeGreaterThan(0);
    expect(mails.some((m) => m.includes('landlord') || m.includes('lease document'))).toBe(false);
    const notices = (await api('GET', '/legal-holds/notices', matter.lead.headers)).json().items as { holdId: string; name: string | null; acknowledgedAt: number | null }[];
    expect(notices.find((n) => n.holdId === holdId)).toMatchObject({ name: 'Dispute with the landlord', acknowledgedAt: null });
    expect((await api('POST', `/legal-holds/${holdId}/acknowledge`, outsider.headers)).statusCode).toBe(404);
    expect((await api('POST', `/legal-holds/${holdId}/acknowledge`, matter.lead.headers)).statusCode).toBe(200);

    // The lead cannot lift it (only the compliance officer, with a reason); a second release is refused.
    expect((await api('POST', `/legal-holds/${holdId}/release`, matter.lead.headers, { reason: 'I want to tidy up' })).statusCode).toBe(404);
    const released = await api('POST', `/legal-holds/${holdId}/release`, compliance.headers, { reason: 'The dispute settled' });
    expect(released.statusCode).toBe(200);
    expect(released.json()).toMatchObject({ status: 'released', releaseReason: 'The dispute settled' });
    expect((await api('POST', `/legal-holds/${holdId}/release`, compliance.headers, { reason: 'again' })).json().error.code).toBe('HOLD_RELEASED');
    expect((await api('POST', `/documents/${doc.id}/trash`, matter.lead.headers)).statusCode).toBe(200);
  });

  it('a client hold refuses crypto-shredding', async () => {
    const matter = await buildMatter(instance);
    expect((await api('POST', '/legal-holds', compliance.headers, { clientId: matter.clientId, scope: 'client', name: 'Regulator inquiry', reason: 'Everything' })).statusCode).toBe(201);
    const admin = await buildUser(instance, { role: 'firm_admin' });
    const adminSession = (await buildSession(instance, admin)).headers;
    const shred = await api('POST', `/clients/${matter.clientId}/keys/shred`, adminSession, { confirmClientId: matter.clientId });
    expect(shred.statusCode).toBe(409);
    expect(shred.json().error.code).toBe('LEGAL_HOLD');
  });

  it('disposition: queued when due, approved with the reviewed snapshot, executed and certified; the data is gone for good', async () => {
    const started = Date.now() - 1000;
    const matter = await buildMatter(instance, { title: 'Finished matter' });
    const doc = await buildDocument(instance, { matter, content: CANARY });
    const preview0 = (await api('GET', `/retention/preview?on=${today()}`, compliance.headers)).json().items as { itemId: string }[];
    expect(preview0.some((i) => i.itemId === matter.id)).toBe(false);
    await closeMatter(matter);
    const preview = await api('GET', `/retention/preview?on=${today()}`, compliance.headers);
    expect(preview.statusCode).toBe(200);
    expect((preview.json().items as { itemId: string; status: string; held: boolean }[]).find((i) => i.itemId === matter.id)).toMatchObject({ status: 'new', held: false });
    expect((await api('GET', '/retention/preview?on=2027-02-30', compliance.headers)).statusCode).toBe(400);
    // Preview runs nothing.
    expect((await api('GET', `/documents/${doc.id}/content`, matter.lead.headers)).statusCode).toBe(200);

    expect((await api('POST', '/retention/run', compliance.headers)).statusCode).toBe(200);
    const queued = await dispositionOf(matter.id);
    expect(queued).toMatchObject({ status: 'review', sensitive: false });
    // An outsider neither sees nor approves it.
    expect(((await api('GET', '/dispositions', outsider.headers)).json().items as { id: string }[]).some((d) => d.id === queued!.id)).toBe(false);
    const outsiderSession = (await buildSession(instance, outsider)).headers;
    expect((await api('POST', `/dispositions/${queued!.id}/approve`, outsiderSession, { snapshotHash: queued!.snapshotHash })).statusCode).toBe(404);
    // A token never approves a destruction: it needs a fresh second factor in a session.
    expect((await api('POST', `/dispositions/${queued!.id}/approve`, matter.lead.headers, { snapshotHash: queued!.snapshotHash })).json().error.code).toBe('STEP_UP_REQUIRED');
    const leadSession = (await buildSession(instance, matter.lead)).headers;
    const stale = await api('POST', `/dispositions/${queued!.id}/approve`, leadSession, { snapshotHash: 'a'.repeat(64) });
    expect(stale.json().error.code).toBe('DISPOSITION_CHANGED');
    const approved = await api('POST', `/dispositions/${queued!.id}/approve`, leadSession, { snapshotHash: queued!.snapshotHash });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', approvals: [{ user: { id: matter.lead.id } }] });
    // Replaying the approval: refused, the item is no longer waiting for review.
    expect((await api('POST', `/dispositions/${queued!.id}/approve`, complianceSession, { snapshotHash: queued!.snapshotHash })).json().error.code).toBe('DISPOSITION_STATE');

    // What must not survive: the wrapped object keys and the title's blind-index token.
    const db = instance.services.database.db as unknown as Kysely<Record<string, Record<string, string>>>;
    const wrapped = (await db.selectFrom('keys_object_keys').select('wrapped_key').where('matter_id', '=', matter.id).execute()).map((r) => r.wrapped_key!);
    const token = (await db.selectFrom('vault_matters').select('title_index').where('id', '=', matter.id).executeTakeFirstOrThrow()).title_index!;
    expect(wrapped.length).toBeGreaterThan(0);
    expect(token.length).toBeGreaterThan(10);

    const result = await runRetention(instance.services);
    expect(result.executed).toBeGreaterThanOrEqual(1);
    const done = await dispositionOf(matter.id);
    expect(done).toMatchObject({ status: 'executed' });
    expect(done!.certificateId).toBeTruthy();

    // Every read answers 410 or 404.
    expect([404, 410]).toContain((await api('GET', `/matters/${matter.id}`, matter.lead.headers)).statusCode);
    expect([404, 410]).toContain((await api('GET', `/documents/${doc.id}`, matter.lead.headers)).statusCode);
    expect([404, 410]).toContain((await api('GET', `/documents/${doc.id}/content`, matter.lead.headers)).statusCode);

    // The certificate verifies offline under the published key, and names the ciphertext's hash.
    const cert = await api('GET', `/certificates/${done!.certificateId!}`, compliance.headers);
    expect(cert.statusCode).toBe(200);
    const key = (await api('GET', '/audit/public-key', compliance.headers)).json().verifierKey as string;
    expect(key).toBe(instanceVerifierKey(instance.config.dataDir));
    const verdict = verifyCertificate(cert.json(), { verifierKey: key });
    expect(verdict.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verdict.valid).toBe(true);
    const body = cert.json().certificate as { items: { type: string; sha256?: string }[]; keys: { type: string }[]; backups: string };
    expect(body.items.some((i) => i.type === 'document_version' && /^[0-9a-f]{64}$/.test(i.sha256 ?? ''))).toBe(true);
    expect(body.keys.some((k) => k.type === 'object_key')).toBe(true);
    expect(JSON.stringify(cert.json())).not.toContain('Finished matter');
    const pdf = await api('GET', `/certificates/${done!.certificateId!}/pdf`, compliance.headers);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 4).toString()).toBe('%PDF');
    expect((await api('GET', `/certificates/${done!.certificateId!}`, outsider.headers)).statusCode).toBe(404);

    // Canary scan: no plaintext in the database or the blob store.
    const haystacks: string[] = [];
    if (dialect === 'sqlite') {
      for (const f of readdirSync(instance.config.dataDir)) {
        const p = join(instance.config.dataDir, f);
        if (statSync(p).isFile()) haystacks.push(readFileSync(p).toString('latin1'));
      }
    } else {
      for (const table of ['vault_documents', 'vault_document_versions', 'vault_matters', 'keys_object_keys', 'audit_event', 'retention_dispositions', 'retention_certificates']) {
        const rows = await instance.services.database.db.selectFrom(table as 'audit_event').selectAll().execute();
        haystacks.push(JSON.stringify(rows));
      }
    }
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else haystacks.push(readFileSync(p).toString('latin1'));
      }
    };
    walk(instance.config.dataDir);
    // Temporary files written meanwhile (uploads, archives) hold none of it either.
    for (const f of readdirSync(tmpdir())) {
      const p = join(tmpdir(), f);
      try {
        const st = statSync(p);
        if (st.isFile() && st.size < 50_000_000 && st.mtimeMs >= started) haystacks.push(readFileSync(p).toString('latin1'));
      } catch {
        // gone meanwhile
      }
    }
    expect(haystacks.some((h) => h.includes(CANARY))).toBe(false);
    expect(haystacks.some((h) => h.includes('Finished matter'))).toBe(false);
    for (const w of wrapped) expect(haystacks.filter((h) => h.includes(w)).map((h) => h.slice(0, 40))).toEqual([]);
    expect(haystacks.some((h) => h.includes(token))).toBe(false);
  });

  it('sensitive items need two different approvers, one of them the compliance officer; nobody approves twice', async () => {
    const matter = await buildMatter(instance);
    await buildDocument(instance, { matter, content: 'privileged advice', privileged: true });
    await closeMatter(matter);
    await runRetention(instance.services);
    const queued = (await dispositionOf(matter.id))!;
    expect(queued).toMatchObject({ status: 'review', sensitive: true });
    const leadSession = (await buildSession(instance, matter.lead)).headers;
    expect((await api('POST', `/dispositions/${queued.id}/approve`, leadSession, { snapshotHash: queued.snapshotHash })).json()).toMatchObject({ status: 'review', approvalsRequired: 2 });
    expect((await api('POST', `/dispositions/${queued.id}/approve`, leadSession, { snapshotHash: queued.snapshotHash })).json().error.code).toBe('ALREADY_APPROVED');
    expect((await denials(matter.lead.id, 'disposition.approve')).some((d) => d.reason === 'ALREADY_APPROVED')).toBe(true);
    const second = await api('POST', `/dispositions/${queued.id}/approve`, complianceSession, { snapshotHash: queued.snapshotHash });
    expect(second.json()).toMatchObject({ status: 'approved' });
    // Kept longer instead, with a reason (sealed; shown to those who see the item): approvals dropped.
    expect((await api('POST', `/dispositions/${queued.id}/extend`, compliance.headers, { days: 30, reason: '   ' })).json().error.fields[0].path).toBe('body.reason');
    const kept = await api('POST', `/dispositions/${queued.id}/extend`, compliance.headers, { days: 30, reason: 'The client asked us to keep it during the appeal' });
    expect(kept.json()).toMatchObject({ status: 'extended', approvals: [], extendReason: 'The client asked us to keep it during the appeal' });
    expect(kept.json().client.label).toMatch(/^Client \d+/);
    const events = await instance.services.database.db.selectFrom('audit_event').select('leaf').where('action', '=', 'disposition.extend').execute();
    expect(JSON.stringify(events)).not.toContain('appeal');
  });

  it('a closing backdated to make a matter due at once needs the compliance officer too', async () => {
    const matter = await buildMatter(instance);
    const opened = Date.UTC(2010, 0, 4);
    expect((await api('PATCH', `/matters/${matter.id}`, matter.lead.headers, { openedAt: opened })).statusCode).toBe(200);
    expect((await api('POST', `/matters/${matter.id}/close`, matter.lead.headers, { reason: 'Long done', closedAt: opened + 86_400_000 })).statusCode).toBe(200);
    await runRetention(instance.services);
    const queued = (await dispositionOf(matter.id))!;
    expect(queued).toMatchObject({ status: 'review', sensitive: true });
    const leadSession = (await buildSession(instance, matter.lead)).headers;
    expect((await api('POST', `/dispositions/${queued.id}/approve`, leadSession, { snapshotHash: queued.snapshotHash })).json()).toMatchObject({ status: 'review', approvalsRequired: 2 });
  });

  it('an approval covers what was reviewed: a document added afterwards sends the item back to review', async () => {
    const matter = await buildMatter(instance);
    await buildDocument(instance, { matter });
    await closeMatter(matter);
    await runRetention(instance.services);
    const queued = (await dispositionOf(matter.id))!;
    const leadSession = (await buildSession(instance, matter.lead)).headers;
    expect((await api('POST', `/dispositions/${queued.id}/approve`, leadSession, { snapshotHash: queued.snapshotHash })).json().status).toBe('approved');
    // Reopen, add a document, close again: the approval no longer covers it.
    expect((await api('POST', `/matters/${matter.id}/reopen`, matter.lead.headers, {})).statusCode).toBe(200);
    const late = await buildDocument(instance, { matter, content: 'added after the review' });
    await closeMatter(matter);
    await runRetention(instance.services);
    expect((await dispositionOf(matter.id))!.status).toBe('review');
    expect((await api('GET', `/documents/${late.id}/content`, matter.lead.headers)).statusCode).toBe(200);
  });

  it('the person who asked for a disposition (a termination) cannot approve it', async () => {
    const matter = await buildMatter(instance);
    await closeMatter(matter);
    const ended = await api('POST', `/clients/${matter.clientId}/termination`, complianceSession, { anonymise: false });
    expect(ended.statusCode).toBe(201);
    expect((await api('POST', `/clients/${matter.clientId}/termination`, complianceSession, { anonymise: false })).statusCode).toBe(409);
    const client = (ended.json().dispositions as { id: string; itemType: string }[]).find((d) => d.itemType === 'client')!;
    const row = (await api('GET', `/dispositions/${client.id}`, complianceSession)).json();
    const self = await api('POST', `/dispositions/${client.id}/approve`, complianceSession, { snapshotHash: row.snapshotHash, decision: 'destroy' });
    expect(self.statusCode).toBe(403);
    expect(self.json().error.code).toBe('SEPARATION_OF_DUTIES');
    // Someone else may: the second compliance officer.
    const other = await api('POST', `/dispositions/${client.id}/approve`, (await buildSession(instance, secondCompliance)).headers, { snapshotHash: row.snapshotHash, decision: 'destroy' });
    expect(other.statusCode).toBe(200);
    expect(other.json().approvals).toHaveLength(1);
    const letter = await api('GET', `/clients/${matter.clientId}/termination/letter`, matter.lead.headers);
    expect(letter.statusCode).toBe(200);
    expect(letter.rawPayload.subarray(0, 4).toString()).toBe('%PDF');
  });

  it('a hold placed while the run is under way stops the destruction (checked inside the destroying transaction)', async () => {
    const matter = await buildMatter(instance);
    const doc = await buildDocument(instance, { matter, content: 'race content' });
    await closeMatter(matter);
    await runRetention(instance.services);
    const queued = (await dispositionOf(matter.id))!;
    const leadSession = (await buildSession(instance, matter.lead)).headers;
    expect((await api('POST', `/dispositions/${queued.id}/approve`, leadSession, { snapshotHash: queued.snapshotHash })).json().status).toBe('approved');
    // The run reads the blobs (to hash them) before it destroys: the hold lands right then.
    const blobs = instance.services.blobs;
    const get = blobs.get.bind(blobs);
    let placed = false;
    blobs.get = (async (...args: Parameters<typeof get>) => {
      if (!placed) {
        placed = true;
        const hold = await api('POST', '/legal-holds', compliance.headers, { clientId: matter.clientId, matterId: matter.id, scope: 'matter', name: 'Late hold', reason: 'Arrived mid-run' });
        expect(hold.statusCode).toBe(201);
      }
      return get(...args);
    }) as typeof blobs.get;
    try {
      const result = await runRetention(instance.services);
      expect(result.held).toBeGreaterThanOrEqual(1);
    } finally {
      blobs.get = get;
    }
    expect(placed).toBe(true);
    expect((await dispositionOf(matter.id))!.status).toBe('held');
    expect((await api('GET', `/documents/${doc.id}/content`, matter.lead.headers)).statusCode).toBe(200);
  });

  it('a run that fails part-way raises an alert and the next run finishes the job', async () => {
    const matter = await buildMatter(instance);
    const doc = await buildDocument(instance, { matter, content: 'resumable' });
    await closeMatter(matter);
    await runRetention(instance.services);
    const queued = (await dispositionOf(matter.id))!;
    const leadSession = (await buildSession(instance, matter.lead)).headers;
    await api('POST', `/dispositions/${queued.id}/approve`, leadSession, { snapshotHash: queued.snapshotHash });
    const blobs = instance.services.blobs;
    const del = blobs.delete.bind(blobs);
    let failed = false;
    // The delete of the blobs after the keys were destroyed is interrupted.
    blobs.delete = (async (...args: Parameters<typeof del>) => {
      if (!failed) {
        failed = true;
        throw new Error('disk went away');
      }
      return del(...args);
    }) as typeof blobs.delete;
    try {
      await runRetention(instance.services);
    } finally {
      blobs.delete = del;
    }
    // The keys are gone already (the content answers 410), the blob is still there: failed, with an alert.
    const mid = (await dispositionOf(matter.id))!;
    expect(mid).toMatchObject({ status: 'failed', certificateId: null });
    expect([404, 410]).toContain((await api('GET', `/documents/${doc.id}/content`, matter.lead.headers)).statusCode);
    const alerts = await instance.services.database.db.selectFrom('audit_alert' as 'audit_event').selectAll().execute();
    expect(JSON.stringify(alerts)).toContain('retention_failure');
    // The next run resumes from the unfinished step: deletes the blob and certifies, once.
    const again = await runRetention(instance.services);
    expect(again.executed).toBe(1);
    const finished = (await dispositionOf(matter.id))!;
    expect(finished.status).toBe('executed');
    expect(finished.certificateId).toBeTruthy();
  });

  it('a physical record: awaiting witnessed destruction after approval; refused while checked out or with oneself as witness; certified', async () => {
    const matter = await buildMatter(instance);
    const record = await api('POST', `/matters/${matter.id}/records`, matter.lead.headers, { label: 'Box 12', location: 'Basement shelf 3' });
    expect(record.statusCode).toBe(201);
    const recordId = record.json().id as string;
    await closeMatter(matter);
    await runRetention(instance.services);
    const item = (await dispositionOf(recordId))!;
    expect(item.status).toBe('review');
    const leadSession = (await buildSession(instance, matter.lead)).headers;
    expect((await api('POST', `/dispositions/${item.id}/approve`, leadSession, { snapshotHash: item.snapshotHash })).json().status).toBe('approved');
    await runRetention(instance.services);
    expect((await dispositionOf(recordId))!.status).toBe('awaiting_physical');
    expect((await api('POST', `/records/${recordId}/check-out`, matter.lead.headers)).statusCode).toBe(200);
    const witness = await buildUser(instance, { role: 'paralegal' });
    const out = await api('POST', `/dispositions/${item.id}/physical-destruction`, leadSession, { method: 'shred', witnessUserId: witness.id });
    expect(out.statusCode).toBe(409);
    expect(out.json().error.code).toBe('RECORD_CHECKED_OUT');
    expect((await api('POST', `/records/${recordId}/check-in`, matter.lead.headers, {})).statusCode).toBe(200);
    const self = await api('POST', `/dispositions/${item.id}/physical-destruction`, leadSession, { method: 'shred', witnessUserId: matter.lead.id });
    expect(self.json().error.code).toBe('SEPARATION_OF_DUTIES');
    const bad = await api('POST', `/dispositions/${item.id}/physical-destruction`, leadSession, { method: 'burying', witnessUserId: witness.id });
    expect(bad.json().error.fields[0].path).toBe('body.method');
    const done = await api('POST', `/dispositions/${item.id}/physical-destruction`, leadSession, { method: 'shred', witnessUserId: witness.id });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'executed' });
    const cert = (await api('GET', `/certificates/${done.json().certificateId as string}`, compliance.headers)).json();
    expect(cert.certificate.physical).toMatchObject({ method: 'shred', witness: { userId: witness.id } });
    const key = (await api('GET', '/audit/public-key', compliance.headers)).json().verifierKey as string;
    expect(verifyCertificate(cert, { verifierKey: key }).valid).toBe(true);
    expect([404, 410]).toContain((await api('GET', `/records/${recordId}`, matter.lead.headers)).statusCode);
  });

  it('termination with anonymisation: the matters lose their content, the client keeps only an anonymous shell', async () => {
    const matter = await buildMatter(instance);
    const doc = await buildDocument(instance, { matter, content: 'to be anonymised' });
    // Before: not ended; the lead (whole client) may end it, a paralegal seated on one matter may not.
    expect((await api('GET', `/clients/${matter.clientId}/termination`, matter.lead.headers)).json()).toMatchObject({ ended: false, canEnd: true, termination: null });
    const ended = await api('POST', `/clients/${matter.clientId}/termination`, matter.lead.headers, { anonymise: true, closeReason: 'Engagement over' });
    expect((await api('GET', `/clients/${matter.clientId}/termination`, matter.lead.headers)).json()).toMatchObject({ ended: true, canEnd: false, termination: { anonymise: true } });
    expect(ended.statusCode).toBe(201);
    expect(ended.json()).toMatchObject({ anonymise: true, closedMatters: 1 });
    expect((await api('GET', `/matters/${matter.id}`, matter.lead.headers)).json().status).toBe('closed');
    const client = (ended.json().dispositions as { id: string; itemType: string }[]).find((d) => d.itemType === 'client')!;
    // The lead asked for it: the compliance officer approves (and the matter's own item too).
    for (const d of ended.json().dispositions as { id: string }[]) {
      const row = (await api('GET', `/dispositions/${d.id}`, complianceSession)).json();
      expect((await api('POST', `/dispositions/${d.id}/approve`, complianceSession, { snapshotHash: row.snapshotHash, ...(row.action === 'review' ? { decision: 'anonymise' } : {}) })).statusCode).toBe(200);
    }
    await runRetention(instance.services);
    expect((await api('GET', `/dispositions/${client.id}`, complianceSession)).json().status).toBe('executed');
    expect([404, 410]).toContain((await api('GET', `/documents/${doc.id}/content`, matter.lead.headers)).statusCode);
    const shell = await api('GET', `/clients/${matter.clientId}`, matter.lead.headers);
    expect(shell.statusCode).toBe(200);
    expect(shell.json().name).toMatch(/^Anonymised client/);
  });

  it('other modules live with a destroyed matter: the portal forgets its threads, the consent reminder job still runs', async () => {
    const matter = await buildMatter(instance);
    const contact = await buildPortalContact(instance, { matter });
    const thread = await api('POST', `/matters/${matter.id}/threads`, matter.lead.headers, { subject: 'SECRET-SUBJECT about the deal', body: 'SECRET-BODY of the message' });
    expect(thread.statusCode).toBe(201);
    const threadId = thread.json().thread.id as string;
    const kept = await buildMatter(instance, { client: matter.client, lead: matter.lead });
    await buildConsent(instance, { matter: kept, input: { matterScope: 'listed', matterIds: [matter.id, kept.id], validUntil: Date.now() + 10 * 86_400_000 } });
    await closeMatter(matter);
    await runRetention(instance.services);
    const queued = (await dispositionOf(matter.id))!;
    await api('POST', `/dispositions/${queued.id}/approve`, (await buildSession(instance, matter.lead)).headers, { snapshotHash: queued.snapshotHash });
    await runRetention(instance.services);
    expect((await dispositionOf(matter.id))!.status).toBe('executed');
    expect(await remindExpiringConsents(instance.services)).toBeGreaterThanOrEqual(1);
    expect((await api('GET', `/threads/${threadId}`, matter.lead.headers)).statusCode).toBe(404);
    expect((await api('GET', `/portal/threads/${threadId}`, contact.headers)).statusCode).toBe(404);
    expect(((await api('GET', '/portal/threads', contact.headers)).json().items as { id: string }[]).map((t) => t.id)).not.toContain(threadId);
    const left = await instance.services.database.db.selectFrom('portal_threads' as 'audit_event').selectAll().where('matter_id' as 'action', '=', matter.id).execute();
    expect(left).toHaveLength(0);
  });

  it('the client downloads its certificates in the portal; another client cannot', async () => {
    const matter = await buildMatter(instance);
    await buildDocument(instance, { matter });
    const contact = await buildPortalContact(instance, { matter });
    const stranger = await buildPortalContact(instance);
    await closeMatter(matter);
    await runRetention(instance.services);
    const queued = (await dispositionOf(matter.id))!;
    await api('POST', `/dispositions/${queued.id}/approve`, (await buildSession(instance, matter.lead)).headers, { snapshotHash: queued.snapshotHash });
    await runRetention(instance.services);
    const certificateId = (await dispositionOf(matter.id))!.certificateId!;
    const mine = (await api('GET', '/portal/certificates', contact.headers)).json().items as { id: string }[];
    expect(mine.map((c) => c.id)).toContain(certificateId);
    expect((await api('GET', `/portal/certificates/${certificateId}`, contact.headers)).statusCode).toBe(200);
    expect(((await api('GET', '/portal/certificates', stranger.headers)).json().items as { id: string }[]).map((c) => c.id)).not.toContain(certificateId);
    expect((await api('GET', `/portal/certificates/${certificateId}`, stranger.headers)).statusCode).toBe(404);
  });
  // Last: it moves the clock a week on (sessions and tokens of the others would expire).
  it('holds stack: releasing one leaves the item frozen by the other; reminders go once per custodian, only to those who did not acknowledge', async () => {
    const matter = await buildMatter(instance);
    const doc = await buildDocument(instance, { matter });
    const custodian = await buildUser(instance, { role: 'paralegal' });
    const first = (await api('POST', '/legal-holds', compliance.headers, { clientId: matter.clientId, matterId: matter.id, scope: 'documents', documentIds: [doc.id], name: 'First', reason: 'One', notify: [custodian.id] })).json().id as string;
    const second = await api('POST', '/legal-holds', compliance.headers, { clientId: matter.clientId, matterId: matter.id, scope: 'custodian', custodianUserId: matter.lead.id, name: 'Second', reason: 'Two', notify: [custodian.id] });
    expect(second.statusCode).toBe(201);
    expect((await api('POST', `/legal-holds/${first}/release`, compliance.headers, { reason: 'Settled' })).statusCode).toBe(200);
    // Still held by the custodian hold (the lead created the document).
    expect((await api('POST', `/documents/${doc.id}/trash`, matter.lead.headers)).json().error.code).toBe('LEGAL_HOLD');
    // Another document of the matter by someone else is free.
    const other = await buildDocument(instance, { matter, by: matter.lead });
    void other;
    const clock = instance.clock as ManualClock;
    clock.advance(8 * 86_400_000);
    const outbox = instance.config.mail.outboxDir;
    const before = readdirSync(outbox).length;
    expect(await remindCustodians(instance.services)).toBeGreaterThanOrEqual(1);
    const reminders = readdirSync(outbox).slice(before).map((f) => readFileSync(join(outbox, f), 'utf8')).filter((m) => m.includes('Reminder'));
    expect(reminders.length).toBeGreaterThanOrEqual(1);
    // Not again the next day; never for a custodian who acknowledged.
    const after = readdirSync(outbox).length;
    clock.advance(86_400_000);
    await remindCustodians(instance.services);
    const again = readdirSync(outbox).slice(after).map((f) => readFileSync(join(outbox, f), 'utf8')).filter((m) => m.includes(custodian.email));
    expect(again).toHaveLength(0);
  });

});
