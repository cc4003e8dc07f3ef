import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserId } from '../../common/ids.js';
import { DIALECTS } from '../test-support/dialects.js';
import { buildUser, type BuiltUser } from '../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import { raiseAlert } from './alerts.js';
import { JOB_CHECKPOINT, JOB_MONITOR, JOB_VERIFY, recordEvent } from './index.js';
import { hashLeaf, verifyConsistency, verifyInclusion } from './merkle.js';
import { openCheckpoint, parseVerifierKey } from './signing.js';

describe.each(DIALECTS)('audit API on %s', (dialect) => {
  let instance: TestInstance;
  let officer: BuiltUser;
  let admin: BuiltUser;
  let attorney: BuiltUser;
  const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

  const get = (url: string, user?: BuiltUser) => instance.app.inject({ method: 'GET', url, headers: user?.headers ?? {} });
  const post = (url: string, user?: BuiltUser) => instance.app.inject({ method: 'POST', url, headers: user?.headers ?? {} });

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    officer = await buildUser(instance, { role: 'compliance_officer' });
    admin = await buildUser(instance, { role: 'firm_admin' });
    attorney = await buildUser(instance, { role: 'attorney' });
    const ctx = { ...instance.system(), actor: { kind: 'user' as const, userId: attorney.id as UserId, role: 'attorney' as const, clientId: null, sessionId: null, tokenId: 't', mfaAt: null } };
    for (let i = 0; i < 30; i++) {
      await recordEvent({ ...ctx, app: { ...ctx.app, clock: { now: () => T0 + i * 60_000 } } }, { action: 'document.read', outcome: 'allowed', resources: { clientId: `c-${i % 3}`, matterId: `m-${i % 2}`, documentId: `d-${i}` } });
    }
    await recordEvent(ctx, { action: 'matter.read', outcome: 'denied', reason: 'WALL', resources: { matterId: 'm-walled' } });
  });
  afterAll(async () => instance?.close());

  it('requires sign-in for every audit route', async () => {
    for (const url of ['/api/v1/audit/events', '/api/v1/audit/checkpoint', '/api/v1/audit/public-key', '/api/v1/audit/proofs/inclusion?index=0', '/api/v1/audit/alerts', '/api/v1/audit/verification']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses the log to other roles and audits the denial', async () => {
    const response = await get('/api/v1/audit/events', attorney);
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('FORBIDDEN');
    expect((await get('/api/v1/audit/reports/breach-scope?actorId=x&since=0&until=1', admin)).statusCode).toBe(403);
    const page = await get(`/api/v1/audit/events?actorId=${attorney.id}&action=audit.read&outcome=denied`, officer);
    expect(page.statusCode).toBe(200);
    expect(page.json().events.map((e: { event: { reason?: string } }) => e.event.reason)).toContain('ROLE');
  });

  it('rejects bad input with 400 naming the field', async () => {
    const bad = await get('/api/v1/audit/events?limit=0', officer);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    expect(bad.json().error.fields[0].path).toContain('limit');
    const id = await get('/api/v1/audit/events?clientId=Jane%20Doe', officer);
    expect(id.statusCode).toBe(400);
    expect(id.json().error.fields[0].path).toContain('clientId');
    const range = await get('/api/v1/audit/proofs/inclusion?index=999999', officer);
    expect(range.statusCode).toBe(400);
    expect(range.json().error.code).toBe('AUDIT_RANGE_INVALID');
  });

  it('serves events with their exact leaf bytes and filters them', async () => {
    const response = await get('/api/v1/audit/events?from=0&limit=5&matterId=m-1', officer);
    expect(response.statusCode).toBe(200);
    const body = response.json() as { events: { index: number; leaf: string; leafHash: string; event: Record<string, unknown> }[]; next: number | null; treeSize: number };
    expect(body.events).toHaveLength(5);
    expect(body.next).not.toBeNull();
    for (const e of body.events) {
      expect(JSON.parse(Buffer.from(e.leaf, 'base64').toString('utf8'))).toEqual(e.event);
      expect(e.event.matterId).toBe('m-1');
      expect(hashLeaf(Buffer.from(e.leaf, 'base64')).toString('base64')).toBe(e.leafHash);
    }
    const timed = await get(`/api/v1/audit/events?actorId=${attorney.id}&since=${T0 + 10 * 60_000}&until=${T0 + 12 * 60_000}&action=document.read`, officer);
    expect(timed.json().events).toHaveLength(3);
  });

  it('publishes a checkpoint any signed-in user can verify with the public key, and proofs into it', async () => {
    await post('/api/v1/audit/checkpoints', admin);
    const key = (await get('/api/v1/audit/public-key', attorney)).json() as { verifierKey: string; publicKey: string };
    const checkpoint = (await get('/api/v1/audit/checkpoint', attorney)).json() as { size: number; rootHash: string; note: string };
    const verifier = parseVerifierKey(key.verifierKey);
    const opened = openCheckpoint(checkpoint.note, verifier);
    expect(opened.size).toBe(checkpoint.size);
    expect(opened.root.toString('base64')).toBe(checkpoint.rootHash);
    // The attacker's side: a note with a changed size does not verify.
    expect(() => openCheckpoint(checkpoint.note.replace(`\n${checkpoint.size}\n`, `\n${checkpoint.size + 1}\n`), verifier)).toThrow(/signature/);

    const events = (await get('/api/v1/audit/events?from=0&limit=20', officer)).json().events as { index: number; leafHash: string }[];
    for (const e of events.filter((x) => x.index < checkpoint.size).slice(0, 8)) {
      const proof = (await get(`/api/v1/audit/proofs/inclusion?index=${e.index}&treeSize=${checkpoint.size}`, attorney)).json() as { proof: string[]; rootHash: string };
      expect(proof.rootHash).toBe(checkpoint.rootHash);
      expect(verifyInclusion(Buffer.from(e.leafHash, 'base64'), e.index, checkpoint.size, proof.proof.map((p) => Buffer.from(p, 'base64')), opened.root)).toBe(true);
    }
    await recordEvent(instance.system(), { action: 'system.tick', outcome: 'allowed' });
    const later = (await post('/api/v1/audit/checkpoints', officer)).json() as { size: number; rootHash: string };
    const consistency = (await get(`/api/v1/audit/proofs/consistency?from=${checkpoint.size}&to=${later.size}`, attorney)).json() as { proof: string[] };
    expect(verifyConsistency(checkpoint.size, later.size, consistency.proof.map((p) => Buffer.from(p, 'base64')), opened.root, Buffer.from(later.rootHash, 'base64'))).toBe(true);
    expect((await post('/api/v1/audit/checkpoints', attorney)).statusCode).toBe(403);
  });

  it('answers who accessed a client, did P access M (with proofs), and the breach scope', async () => {
    const who = (await get('/api/v1/audit/reports/access?clientId=c-1', officer)).json() as { actors: { actorId: string; allowed: number }[] };
    expect(who.actors).toEqual([expect.objectContaining({ actorId: attorney.id, allowed: 10, denied: 0 })]);
    expect((await get('/api/v1/audit/reports/access', officer)).statusCode).toBe(400);

    const report = (await get(`/api/v1/audit/reports/person-matter?userId=${attorney.id}&matterId=m-0&since=${T0}&until=${T0 + 9 * 60_000}`, officer)).json() as {
      accessed: boolean;
      events: { index: number; leafHash: string; inclusionProof: string[] }[];
      checkpoint: { size: number; note: string };
    };
    expect(report.accessed).toBe(true);
    expect(report.events).toHaveLength(5);
    const key = (await get('/api/v1/audit/public-key', officer)).json() as { verifierKey: string };
    const opened = openCheckpoint(report.checkpoint.note, parseVerifierKey(key.verifierKey));
    for (const e of report.events) {
      expect(verifyInclusion(Buffer.from(e.leafHash, 'base64'), e.index, opened.size, e.inclusionProof.map((p) => Buffer.from(p, 'base64')), opened.root)).toBe(true);
    }
    const none = (await get(`/api/v1/audit/reports/person-matter?userId=${officer.id}&matterId=m-0&since=${T0}&until=${T0 + 9 * 60_000}`, officer)).json();
    expect(none.accessed).toBe(false);

    const scope = (await get(`/api/v1/audit/reports/breach-scope?actorId=${attorney.id}&since=${T0}&until=${T0 + 29 * 60_000}`, officer)).json();
    expect(scope).toMatchObject({ events: 30, clients: ['c-0', 'c-1', 'c-2'], matters: ['m-0', 'm-1'] });
    expect(scope.documents).toHaveLength(30);
  });

  it('lists alerts and acknowledges them (audited); unknown alerts are 404', async () => {
    const alert = await raiseAlert(instance.services, { rule: 'repeated_denials', actorId: attorney.id, severity: 'critical', firstIndex: 1, lastIndex: 2, detail: { denials: 5 }, contain: false });
    const list = (await get('/api/v1/audit/alerts?status=open', officer)).json() as { alerts: { id: string }[] };
    expect(list.alerts.map((a) => a.id)).toContain(alert.id);
    expect((await post(`/api/v1/audit/alerts/${alert.id}/acknowledge`, attorney)).statusCode).toBe(403);
    const ack = await post(`/api/v1/audit/alerts/${alert.id}/acknowledge`, officer);
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged', acknowledgedBy: officer.id });
    expect((await post('/api/v1/audit/alerts/0000-0000/acknowledge', officer)).json().error.code).toBe('ALERT_NOT_FOUND');
    const audited = (await get(`/api/v1/audit/events?actorId=${officer.id}&action=alert.acknowledge`, officer)).json().events as { event: { otherId?: string } }[];
    expect(audited.map((e) => e.event.otherId)).toContain(alert.id);
  });

  it('shows the verification status to administrators', async () => {
    const response = await get('/api/v1/audit/verification', admin);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ ok: null, problems: [] });
    expect((await get('/api/v1/audit/verification', attorney)).statusCode).toBe(403);
  });

  it.skipIf(dialect !== 'sqlite')('registers the checkpoint, verification, monitor and sink jobs at start (in-process queue)', async () => {
    await recordEvent(instance.system(), { action: 'system.tick', outcome: 'allowed' });
    await instance.services.jobs.enqueue(JOB_CHECKPOINT);
    await instance.services.jobs.enqueue(JOB_VERIFY);
    await instance.services.jobs.enqueue(JOB_MONITOR);
    await instance.services.jobs.idle();
    expect(await instance.services.jobs.listFailures()).toEqual([]);
    const checkpoint = (await get('/api/v1/audit/checkpoint', attorney)).json() as { size: number };
    const status = (await get('/api/v1/audit/verification', admin)).json() as { treeSize: number; ok: boolean; lastRunAt: number | null };
    expect(checkpoint.size).toBeGreaterThan(30);
    expect(status, JSON.stringify(status)).toMatchObject({ ok: true });
    expect(status.lastRunAt).not.toBeNull();
  });

  it('documents every audit route in the OpenAPI document', async () => {
    const doc = (await get('/api/v1/openapi.json')).json() as { paths: Record<string, unknown> };
    for (const path of ['/api/v1/audit/events', '/api/v1/audit/checkpoint', '/api/v1/audit/public-key', '/api/v1/audit/proofs/inclusion', '/api/v1/audit/proofs/consistency', '/api/v1/audit/reports/breach-scope']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});
