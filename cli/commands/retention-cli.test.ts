import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../../server/audit/index.js';
import { issueCertificate, type SignedCertificate } from '../../server/modules/retention/certificate.js';
import { DIALECTS } from '../../server/test-support/dialects.js';
import { buildDocument, buildMatter, buildUser } from '../../server/test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../server/test-support/test-instance.js';
import { captureIo as capture } from '../cli.testing.js';
import { main } from '../main.js';

describe.each(DIALECTS)('confidant retention verify-certificate on %s', (dialect) => {
  let instance: TestInstance;
  let folder: string;
  let cert: SignedCertificate;
  let good: string;
  let tampered: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    process.env.CONFIDANT_DATA_DIR = instance.database.dataDir;
    process.env.DATABASE_URL = instance.database.url;
    process.env.LOG_LEVEL = 'silent';
    const clientId = randomUUID();
    const system = instance.system('retention.disposition');
    await recordEvent(system, { action: 'document.read', outcome: 'allowed', resources: { clientId } });
    const { index } = await recordEvent(system, { action: 'key.shred', outcome: 'allowed', resources: { clientId } });
    const now = instance.clock.now();
    cert = await issueCertificate(instance.services, {
      certificateId: randomUUID(),
      issuedAt: now,
      client: { id: clientId, number: 'C-7', terminated: true },
      scope: 'client',
      items: [{ type: 'document', id: randomUUID(), sha256: 'a'.repeat(64), size: 10 }],
      keys: [{ type: 'client_key', ids: ['1'] }],
      schedule: null,
      approvals: [{ userId: randomUUID(), name: 'Ada Compliance', at: now }],
      executedAt: now,
      tombstone: {},
      keyDestructionEventIndex: index,
      masterKeyRotated: true,
    });
    folder = mkdtempSync(join(tmpdir(), 'confidant-cert-'));
    good = join(folder, 'certificate.json');
    writeFileSync(good, JSON.stringify(cert, null, 2));
    const bad = JSON.parse(JSON.stringify(cert)) as SignedCertificate;
    bad.certificate.audit!.inclusionProof[0] = Buffer.alloc(32, 7).toString('base64');
    tampered = join(folder, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(bad));
  });
  afterAll(async () => {
    process.env = saved;
    rmSync(folder, { recursive: true, force: true });
    await instance?.close();
  });

  it('verifies a certificate file offline with the published key, and with the local instance key when no --key is given', async () => {
    const withKey = capture();
    expect(await main(['node', 'confidant', 'retention', 'verify-certificate', good, '--key', cert.signature.verifierKey], withKey)).toBe(0);
    expect(withKey.lines.filter((l) => l.startsWith('✓ '))).toHaveLength(6);
    expect(withKey.lines.at(-1)).toBe('The certificate is valid.');
    const local = capture();
    expect(await main(['node', 'confidant', 'retention', 'verify-certificate', good], local)).toBe(0);
    const json = capture();
    expect(await main(['node', 'confidant', 'retention', 'verify-certificate', good, '--json'], json)).toBe(0);
    expect(JSON.parse(json.lines.join('\n'))).toMatchObject({ valid: true });
  });

  it('fails a tampered certificate, printing the failing check', async () => {
    const out = capture();
    expect(await main(['node', 'confidant', 'retention', 'verify-certificate', tampered, '--key', cert.signature.verifierKey], out)).toBe(1);
    expect(out.lines).toContainEqual(expect.stringMatching(/^✗ inclusion proof: /));
    expect(out.lines).toContainEqual(expect.stringMatching(/^✗ signature: /));
    expect(out.lines).toContainEqual(expect.stringMatching(/^✓ checkpoint signature: /));
    expect(out.errors.join('\n')).toMatch(/CERTIFICATE_INVALID.*inclusion proof/);
  });

  it('refuses without a key when there is no local instance, and a file it cannot read or parse', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'confidant-nokey-'));
    process.env.CONFIDANT_DATA_DIR = empty;
    try {
      const out = capture();
      expect(await main(['node', 'confidant', 'retention', 'verify-certificate', good], out)).toBe(2);
      expect(out.errors.join('\n')).toMatch(/VERIFIER_KEY_REQUIRED.*--key/);
    } finally {
      process.env.CONFIDANT_DATA_DIR = instance.database.dataDir;
      rmSync(empty, { recursive: true, force: true });
    }
    const missing = capture();
    expect(await main(['node', 'confidant', 'retention', 'verify-certificate', join(folder, 'absent.json'), '--key', cert.signature.verifierKey], missing)).toBe(2);
    const pdf = join(folder, 'certificate.pdf');
    writeFileSync(pdf, '%PDF-1.3\n');
    const notJson = capture();
    expect(await main(['node', 'confidant', 'retention', 'verify-certificate', pdf, '--key', cert.signature.verifierKey], notJson)).toBe(1);
    expect(notJson.errors.join('\n')).toMatch(/not JSON/);
  });

  it('preview and run from the command line: what is due on a day, then a run that queues it', async () => {
    const compliance = await buildUser(instance, { role: 'compliance_officer' });
    await instance.app.inject({ method: 'POST', url: '/api/v1/retention/schedules', headers: compliance.headers, payload: { name: 'At once', trigger: 'matter_closed', periodDays: 0, action: 'destroy' } });
    const matter = await buildMatter(instance);
    await buildDocument(instance, { matter });
    expect((await instance.app.inject({ method: 'POST', url: `/api/v1/matters/${matter.id}/close`, headers: matter.lead.headers, payload: { reason: 'Done' } })).statusCode).toBe(200);
    const day = new Date(instance.clock.now()).toISOString().slice(0, 10);
    const preview = capture();
    expect(await main(['node', 'confidant', 'retention', 'preview', '--on', day, '--json'], preview)).toBe(0);
    const items = (JSON.parse(preview.lines.join('\n')) as { items: { itemId: string; status: string }[] }).items;
    expect(items.find((i) => i.itemId === matter.id)).toMatchObject({ status: 'new' });
    const bad = capture();
    expect(await main(['node', 'confidant', 'retention', 'preview', '--on', '2027-13-01'], bad)).not.toBe(0);
    const run = capture();
    expect(await main(['node', 'confidant', 'retention', 'run'], run)).toBe(0);
    expect(run.lines.join('\n')).toMatch(/Queued for review: [1-9]/);
    const again = capture();
    expect(await main(['node', 'confidant', 'retention', 'preview', '--on', day], again)).toBe(0);
    expect(again.lines.join('\n')).toContain('[review]');
  });
});
