/**
 * The record of processing activities, registers and the signed evidence pack, on both databases,
 * written from the attacker's side first: 401, 400 naming the field, an attorney refused (and the
 * refusal audited), a pack whose files, manifest or signature were changed refused offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceVerifierKey } from '../../audit/index.js';
import { readZip, zipStore } from '../../platform/archive/zip.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { buildDisclosure, buildSession, buildUser, type BuiltUser } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { verifyEvidencePack } from './index.js';

type Headers = Record<string, string>;

const activity = (ownerId: string) => ({
  name: 'Client matter files',
  role: 'controller',
  purposes: 'Advising and representing clients',
  legalBasis: 'Art. 6(1)(b) contract; Art. 9(2)(f) legal claims',
  dataSubjects: 'Clients, counterparties, witnesses',
  dataCategories: 'Identity, contact, matter facts',
  recipients: 'Courts, counsel, experts under consent',
  transfers: 'None',
  retention: 'Per the retention schedule of the matter (6 years after closing by default)',
  securityMeasures: 'Per-client encryption, ethical walls, MFA, audited access',
  ownerId,
});

describe.each(DIALECTS)('evidence on %s', (dialect) => {
  let instance: TestInstance;
  let compliance: BuiltUser;
  let admin: BuiltUser;
  let attorney: BuiltUser;
  let complianceSession: Headers;
  let adminSession: Headers;

  const api = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Headers = {}, payload?: unknown) =>
    instance.app.inject({ method, url: `/api/v1${url}`, headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });
  const denials = async (actorId: string) => instance.services.database.db.selectFrom('audit_event').select(['action']).where('actor_id', '=', actorId).where('outcome', '=', 'denied').execute();

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    compliance = await buildUser(instance, { role: 'compliance_officer' });
    admin = await buildUser(instance, { role: 'firm_admin' });
    attorney = await buildUser(instance, { role: 'attorney' });
    complianceSession = (await buildSession(instance, compliance)).headers;
    adminSession = (await buildSession(instance, admin)).headers;
  });
  afterAll(async () => instance.close());

  it('refuses the unauthenticated (401) and an attorney (404, audited) on every route', async () => {
    const attorneySession = (await buildSession(instance, attorney)).headers;
    const routes: ['GET' | 'POST' | 'PATCH', string, unknown?][] = [
      ['GET', '/compliance/processing-activities'],
      ['POST', '/compliance/processing-activities', activity(attorney.id)],
      ['GET', '/compliance/registers'],
      ['GET', '/compliance/registers/disclosures'],
      ['POST', '/compliance/evidence-pack'],
    ];
    for (const [method, url, body] of routes) {
      expect((await api(method, url, {}, body)).statusCode, `${method} ${url}`).toBe(401);
      expect((await api(method, url, attorneySession, body)).statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await denials(attorney.id)).length).toBeGreaterThanOrEqual(routes.length);
    // Nothing was written by the attempts.
    expect((await api('GET', '/compliance/processing-activities', complianceSession)).json()).toEqual({ items: [] });
  });

  it('keeps the Art. 30 record: 400 naming the field, create, change, retire (then 409 on change), each audited', async () => {
    const blank = await api('POST', '/compliance/processing-activities', complianceSession, { ...activity(compliance.id), purposes: '' });
    expect(blank.statusCode).toBe(400);
    expect(JSON.stringify(blank.json())).toContain('body.purposes');
    const clientOwner = await buildUser(instance, { role: 'client', clientId: undefined as unknown as string }).catch(() => null);
    const strangerId = clientOwner?.id ?? '0190a0b0-0000-7000-8000-000000000000';
    const badOwner = await api('POST', '/compliance/processing-activities', complianceSession, activity(strangerId));
    expect(badOwner.statusCode).toBe(400);
    expect(JSON.stringify(badOwner.json())).toContain('body.ownerId');

    const created = await api('POST', '/compliance/processing-activities', adminSession, activity(compliance.id));
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string; owner: { name: string } }>().id;
    expect(created.json<{ owner: { name: string } }>().owner.name).toBe(compliance.name);
    const changed = await api('PATCH', `/compliance/processing-activities/${id}`, complianceSession, { transfers: 'US processor under SCCs (2021/914)' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json<{ transfers: string }>().transfers).toBe('US processor under SCCs (2021/914)');
    expect((await api('PATCH', `/compliance/processing-activities/${id}`, complianceSession, {})).statusCode).toBe(400);
    expect((await api('POST', `/compliance/processing-activities/${id}/retire`, complianceSession)).statusCode).toBe(200);
    expect((await api('PATCH', `/compliance/processing-activities/${id}`, complianceSession, { name: 'Again' })).statusCode).toBe(409);
    expect((await api('GET', '/compliance/processing-activities', complianceSession)).json()).toEqual({ items: [] });
    expect((await api('GET', '/compliance/processing-activities?includeRetired=true', complianceSession)).json<{ items: unknown[] }>().items).toHaveLength(1);
    expect((await api('POST', '/compliance/processing-activities/0190a0b0-0000-7000-8000-000000000000/retire', complianceSession)).statusCode).toBe(404);
    const events = await instance.services.database.db.selectFrom('audit_event').select(['action']).where('action', 'like', 'compliance.processing.%').execute();
    expect(events.map((e) => e.action).sort()).toEqual(['compliance.processing.create', 'compliance.processing.retire', 'compliance.processing.update']);
    // Active again for the later tests.
    expect((await api('POST', '/compliance/processing-activities', complianceSession, activity(compliance.id))).statusCode).toBe(201);
  });

  it('exports registers as CSV (formulas defused) and PDF; 400 naming an unknown register or format', async () => {
    await api('POST', '/compliance/processing-activities', complianceSession, { ...activity(compliance.id), name: '=HYPERLINK("http://x")' });
    const csv = await api('GET', '/compliance/registers/processing-activities', complianceSession);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe('name,role,purposes,legal_basis,data_subjects,data_categories,recipients,transfers,retention,security_measures,owner,retired_at');
    expect(csv.body).toContain(`"'=HYPERLINK(""http://x"")"`);
    const pdf = await api('GET', '/compliance/registers/processing-activities?format=pdf', complianceSession);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const disclosure = await buildDisclosure(instance);
    const register = await api('GET', '/compliance/registers/disclosures', complianceSession);
    expect(register.statusCode).toBe(200);
    expect(register.body).toContain(disclosure.matter.number ?? disclosure.matter.id);
    const unknown = await api('GET', '/compliance/registers/everything', complianceSession);
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json())).toContain('params.register');
    const format = await api('GET', '/compliance/registers/training?format=xlsx', complianceSession);
    expect(format.statusCode).toBe(400);
    expect(JSON.stringify(format.json())).toContain('querystring.format');
    const catalogue = await api('GET', '/compliance/registers', complianceSession);
    expect(catalogue.json<{ items: { register: string; rows: number }[] }>().items.find((i) => i.register === 'processing-activities')?.rows).toBe(3);
  });

  it('builds a signed evidence pack that verifies offline, and refuses one whose file, listing or signature changed', async () => {
    const response = await api('POST', '/compliance/evidence-pack', complianceSession);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/zip');
    const zip = response.rawPayload;
    const key = instanceVerifierKey(instance.config.dataDir);
    const check = verifyEvidencePack(zip, key);
    expect(check, JSON.stringify(check.problems)).toMatchObject({ ok: true, trust: 'given' });
    const files = readZip(zip);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['README.txt', 'manifest.json', 'signature.json', 'registers/processing-activities.csv', 'registers/processing-activities.pdf', 'registers/disclosures.csv', 'registers/training.csv', 'registers/incidents.csv', 'registers/backups.csv', 'audit/checkpoint.json', 'audit/verification.json', 'posture/findings.json', 'posture/trend.json']));
    expect(JSON.parse(files.get('posture/findings.json')!.toString('utf8'))).toMatchObject({ score: expect.any(Number), findings: expect.any(Array) });
    expect(JSON.parse(files.get('audit/verification.json')!.toString('utf8'))).toMatchObject({ ok: true });
    const created = await instance.services.database.db.selectFrom('audit_event').select(['actor_id']).where('action', '=', 'compliance.evidence.create').execute();
    expect(created.map((e) => e.actor_id)).toEqual([compliance.id]);

    const rebuild = (change: (entries: Map<string, Buffer>) => void) => {
      const entries = readZip(zip);
      change(entries);
      return zipStore([...entries].map(([path, bytes]) => ({ path, bytes })), new Date());
    };
    const altered = rebuild((e) => e.set('registers/processing-activities.csv', Buffer.from('name\r\nnothing to see\r\n')));
    expect(verifyEvidencePack(altered, key).problems).toEqual(['registers/processing-activities.csv does not match its SHA-256']);
    const extra = rebuild((e) => e.set('registers/extra.csv', Buffer.from('x')));
    expect(verifyEvidencePack(extra, key).problems).toEqual(['registers/extra.csv is not in the manifest']);
    const relisted = rebuild((e) => {
      const manifest = JSON.parse(e.get('manifest.json')!.toString('utf8')) as { files: { path: string }[] };
      manifest.files = manifest.files.filter((f) => f.path !== 'registers/disclosures.csv');
      e.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
      e.delete('registers/disclosures.csv');
    });
    expect(verifyEvidencePack(relisted, key).ok).toBe(false);
    expect(verifyEvidencePack(relisted, key).problems[0]).toMatch(/^signature: /);
    const otherInstance = await createTestInstance(dialect, { http: false });
    try {
      expect(verifyEvidencePack(zip, instanceVerifierKey(otherInstance.config.dataDir)).problems[0]).toMatch(/^signature: /);
    } finally {
      await otherInstance.close();
    }
    const truncated = zip.subarray(0, zip.length - 30);
    expect(verifyEvidencePack(truncated, key).ok).toBe(false);
  });

  it('the firm administrator builds a pack too, without the access reviews their role may not read (listed as omitted)', async () => {
    const response = await api('POST', '/compliance/evidence-pack', adminSession);
    expect(response.statusCode).toBe(200);
    const manifest = JSON.parse(readZip(response.rawPayload).get('manifest.json')!.toString('utf8')) as { omitted: { path: string; reason: string }[] };
    expect(manifest.omitted).toEqual([
      { path: 'registers/access-reviews', reason: 'ACCESS_DENIED' },
      { path: 'registers/incidents', reason: 'ACCESS_DENIED' },
    ]);
    expect(verifyEvidencePack(response.rawPayload, instanceVerifierKey(instance.config.dataDir)).ok).toBe(true);
  });
});
