/**
 * Backups to an S3-compatible bucket (the suite's s3rver on 127.0.0.1), drills recorded on the
 * instance, the Backups routes from the attacker's side, scheduled jobs and the shred list kept up
 * to date by the key-destroying transactions — on both databases.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLog } from '../../audit/index.js';
import { buildApp } from '../../app.js';
import { testConfig } from '../../config.js';
import { systemContext } from '../../platform/context.js';
import { createLogger } from '../../platform/logging/logger.js';
import { closeServices, createServices } from '../../platform/services.js';
import { composeModules } from '../registry.js';
import { ageChecker, type AgeIdentity } from '../../test-support/age-check.js';
import { createTestDatabase, DIALECTS } from '../../test-support/dialects.js';
import { buildDocument, buildFirm, buildSession, buildUser, type BuiltDocument, type BuiltFirm } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { unsafeShredClientKeys } from '../keys/index.js';
import { backupModule, BackupError, createBackup, JOB_BACKUP_CREATE, restoreBackup, runDrill, verifyBackup } from './index.js';

const age = ageChecker();

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BackupError) return error.code;
    throw error;
  }
  return 'no error';
}

interface Bucket {
  url: (prefix: string) => string;
  client: S3Client;
  close: () => Promise<void>;
}

async function startBucket(): Promise<Bucket> {
  const directory = mkdtempSync(join(tmpdir(), 'confidant-s3rver-backup-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: 'backups', configs: [] }] });
  const { port } = (await server.run()) as { port: number };
  // s3rver accepts these fixed development credentials.
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true });
  return {
    url: (prefix) => `s3://backups/${prefix}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`,
    client,
    close: async () => {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function getObject(bucket: Bucket, key: string): Promise<Buffer | null> {
  try {
    const result = await bucket.client.send(new GetObjectCommand({ Bucket: 'backups', Key: key }));
    return Buffer.from(await result.Body!.transformToByteArray());
  } catch {
    return null;
  }
}

describe.each(DIALECTS)('backups to an S3-compatible bucket on %s', (dialect) => {
  let bucket: Bucket;
  let instance: TestInstance;
  let doc: BuiltDocument;
  let identity: AgeIdentity;
  let to: string;

  beforeAll(async () => {
    bucket = await startBucket();
    instance = await createTestInstance(dialect);
    doc = await buildDocument(instance, { content: Buffer.alloc(200_000, 'offsite ') });
    identity = await age.generateIdentity();
    to = bucket.url(`firm-${dialect}`);
  });
  afterAll(async () => {
    await instance.close();
    await bucket.close();
  });

  it('writes the archive, the signed manifest and the blobs by SHA-256 into the bucket; the age CLI opens the archive', async () => {
    const summary = await createBackup(instance.services, { to, recipients: [identity.recipient], includeMasterKey: true });
    expect(summary.path).toBe(`s3://backups/firm-${dialect}/backups/${summary.id}`);
    expect(summary.copiedBlobs).toBe(summary.blobs);
    const archive = await getObject(bucket, `firm-${dialect}/backups/${summary.id}/archive.tar.age`);
    expect(archive).not.toBeNull();
    expect(archive!.includes(Buffer.from('offsite offsite'))).toBe(false);
    expect((await age.decrypt(archive!, identity)).length).toBeGreaterThan(1000);
    const signed = JSON.parse((await getObject(bucket, `firm-${dialect}/backups/${summary.id}/manifest.json`))!.toString('utf8')) as { manifest: { blobs: { sha256: string }[] } };
    for (const blob of signed.manifest.blobs) expect(await getObject(bucket, `firm-${dialect}/blobs/${blob.sha256}`)).not.toBeNull();
  });

  it('a second backup uploads only the new blob', async () => {
    const first = await createBackup(instance.services, { to, recipients: [identity.recipient] });
    expect(first.copiedBlobs).toBe(0);
    await buildDocument(instance, { matter: doc.matter, by: doc.by });
    const second = await createBackup(instance.services, { to, recipients: [identity.recipient], includeMasterKey: true });
    expect(second.copiedBlobs).toBe(1);
    expect(second.blobs).toBe(first.blobs + 1);
    expect((await verifyBackup(to, { identity: identity.secretKey })).id).toBe(second.id);
  });

  it('verify names a missing or altered blob in the bucket', async () => {
    const signed = JSON.parse((await getObject(bucket, `firm-${dialect}/backups/${(await verifyBackup(to)).id}/manifest.json`))!.toString('utf8')) as { manifest: { blobs: { sha256: string }[] } };
    const key = `firm-${dialect}/blobs/${signed.manifest.blobs[0]!.sha256}`;
    const saved = (await getObject(bucket, key))!;
    try {
      const altered = Buffer.from(saved);
      altered[10]! ^= 0x01;
      await bucket.client.send(new PutObjectCommand({ Bucket: 'backups', Key: key, Body: altered }));
      expect(await codeOf(verifyBackup(to))).toBe('BACKUP_BLOB_MISMATCH');
      await bucket.client.send(new DeleteObjectCommand({ Bucket: 'backups', Key: key }));
      expect(await codeOf(verifyBackup(to))).toBe('BACKUP_BLOB_MISSING');
    } finally {
      await bucket.client.send(new PutObjectCommand({ Bucket: 'backups', Key: key, Body: saved }));
    }
    expect((await verifyBackup(to)).blobs).toBe(signed.manifest.blobs.length);
  });

  it('restores from the bucket into an empty target; the audit log verifies and the document downloads intact; the restore is recorded', async () => {
    const target = await createTestDatabase(dialect);
    const config = testConfig(target.dataDir, { DATABASE_URL: target.url });
    try {
      const report = await restoreBackup(config, to, { identity: identity.secretKey });
      expect(report.restoredInto.database).toBe(dialect);
      const services = createServices(config, { logger: createLogger({ logLevel: 'silent' }) });
      composeModules(services);
      const app = await buildApp(services, { webRoot: null, logRequests: false });
      try {
        expect((await verifyLog(services, {})).ok).toBe(true);
        const fake = { services, system: (name = 'test') => systemContext(services, name) } as unknown as TestInstance;
        const response = await app.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}/content`, headers: (await buildSession(fake, doc.by)).headers });
        expect(response.statusCode).toBe(200);
        expect(response.rawPayload.equals(doc.content)).toBe(true);
        const admin = await buildUser(fake, { role: 'firm_admin' });
        const status = await app.inject({ method: 'GET', url: '/api/v1/backups', headers: (await buildSession(fake, admin)).headers });
        expect(status.statusCode).toBe(200);
        const restores = (status.json() as { runs: { kind: string; ok: boolean; backupId: string }[] }).runs.filter((r) => r.kind === 'restore');
        expect(restores).toEqual([expect.objectContaining({ ok: true, backupId: report.id })]);
      } finally {
        await app.close();
        await closeServices(services);
      }
    } finally {
      await target.drop();
    }
  });

  it('a shred updates the bucket’s shred list through the queued job, and a restore of the older backup keeps the client destroyed', async () => {
    const live = await createTestInstance(dialect, { env: { BACKUP_TO: bucket.url(`shred-${dialect}`) } });
    try {
      await backupModule.start!(live.services);
      await live.services.jobs.start();
      const gone = await buildDocument(live);
      const kept = await buildDocument(live);
      const old = await createBackup(live.services, { to: live.config.backup.to!, recipients: [identity.recipient], includeMasterKey: true });
      expect((await getObject(bucket, `shred-${dialect}/shreds.jsonl`)) ?? Buffer.alloc(0)).toHaveLength(0);
      await unsafeShredClientKeys(live.system('test'), gone.matter.clientId);
      // The job was queued inside the shredding transaction and ran after it.
      let list: Buffer | null = null;
      for (let i = 0; i < 100 && !list?.includes(Buffer.from(gone.matter.clientId)); i++) {
        if (live.services.jobs.kind === 'in-process') await live.services.jobs.idle();
        else await new Promise((r) => setTimeout(r, 100));
        list = await getObject(bucket, `shred-${dialect}/shreds.jsonl`);
      }
      expect(list?.toString('utf8')).toContain(gone.matter.clientId);
      expect(list?.toString('utf8')).not.toContain(kept.matter.clientId);

      const target = await createTestDatabase(dialect);
      try {
        const report = await restoreBackup(testConfig(target.dataDir, { DATABASE_URL: target.url }), live.config.backup.to!, { identity: identity.secretKey, backup: old.id });
        expect(report.reappliedShreds.clients).toBe(1);
      } finally {
        await target.drop();
      }
    } finally {
      await live.close();
    }
  });
});

describe.each(DIALECTS)('drills and the Backups routes on %s', (dialect) => {
  let instance: TestInstance;
  let firm: BuiltFirm;
  let identity: AgeIdentity;
  let dir: string;
  let identityFile: string;
  const get = async (user: { id: string } | null) => instance.app.inject({ method: 'GET', url: '/api/v1/backups', headers: user ? (await buildSession(instance, user)).headers : {} });
  const runNow = async (user: { id: string }, body: unknown) => instance.app.inject({ method: 'POST', url: '/api/v1/backups/run', headers: { ...(await buildSession(instance, user)).headers, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'confidant-backup-drill-'));
    identity = await age.generateIdentity();
    identityFile = join(dir, 'drill.key');
    writeFileSync(identityFile, identity.secretKey, { mode: 0o600 });
    instance = await createTestInstance(dialect, { env: { BACKUP_TO: join(dir, 'target'), BACKUP_RECIPIENTS: identity.recipient, BACKUP_DRILL_IDENTITY_FILE: identityFile } });
    firm = await buildFirm(instance);
    await buildDocument(instance, { content: Buffer.alloc(150_000, 'drilled ') });
  });
  afterAll(async () => {
    await instance.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the status is for the firm administrator and the compliance officer only; an attorney gets 404 and the attempt is audited', async () => {
    expect((await get(null)).statusCode).toBe(401);
    const refused = await get(firm.attorney);
    expect(refused.statusCode).toBe(404);
    const denials = await instance.services.database.db.selectFrom('audit_event').select(['action']).where('actor_id', '=', firm.attorney.id).where('action', '=', 'audit.status.read').where('outcome', '=', 'denied').execute();
    expect(denials).toHaveLength(1);
    for (const user of [firm.admin, firm.compliance]) {
      const ok = await get(user);
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ settings: { target: join(dir, 'target'), recipients: 1, drillsScheduled: true }, lastSuccessfulDrill: null });
    }
  });

  it('run now: 400 naming the field, 404 for an attorney (as for any firm setting), 202 queues the job that backs up and records the run', async () => {
    const bad = await runNow(firm.admin, { kind: 'everything' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('body.kind');
    expect((await runNow(firm.attorney, { kind: 'backup' })).statusCode).toBe(404);
    // The job is registered by the module's start; run it as the queue would.
    await backupModule.start!(instance.services);
    await instance.services.jobs.start();
    expect((await runNow(firm.admin, { kind: 'backup' })).statusCode).toBe(202);
    for (let i = 0; i < 100; i++) {
      if (instance.services.jobs.kind === 'in-process') await instance.services.jobs.idle();
      else await new Promise((r) => setTimeout(r, 100));
      if ((await get(firm.admin)).json<{ lastSuccessfulBackup: unknown }>().lastSuccessfulBackup) break;
    }
    const status = (await get(firm.compliance)).json<{ lastSuccessfulBackup: { requestedBy: { id: string; name: string }; detail: { blobs: number } } | null }>();
    expect(status.lastSuccessfulBackup).toMatchObject({ requestedBy: { id: firm.admin.id, name: firm.admin.name } });
    expect(status.lastSuccessfulBackup!.detail.blobs).toBeGreaterThanOrEqual(1);
    expect(JOB_BACKUP_CREATE).toBe('backup.create');
  });

  it('a drill restores into a scratch instance, checks the log and every document, and shows as the last successful drill', async () => {
    const to = join(dir, 'target');
    const result = await runDrill(instance.services, { source: to, identity: identity.secretKey, compose: composeModules });
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true, auditOk: true, documentsFailed: 0 });
    expect(result.documentsChecked).toBeGreaterThanOrEqual(1);
    const status = (await get(firm.compliance)).json<{ lastSuccessfulDrill: { backupId: string; detail: { rtoSeconds: number } } | null }>();
    expect(status.lastSuccessfulDrill?.backupId).toBe(result.backup);
    expect(status.lastSuccessfulDrill?.detail.rtoSeconds).toBeGreaterThan(0);
  });

  it('a drill of a backup holding a document that no longer decrypts fails on the document check and is recorded as failed', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = await buildDocument(instance, { content: Buffer.alloc(90_000, 'damaged ') });
    const { blob_id: blobId } = await instance.services.database.db.selectFrom('vault_document_versions' as never).select('blob_id' as never).where('document_id' as never, '=', doc.id as never).executeTakeFirstOrThrow() as { blob_id: string };
    // A blob damaged in the live store before the backup: the backup copies it faithfully (its
    // SHA-256 is taken as it is), so only decrypting it — the drill's document check — finds it.
    const path = join(instance.config.blobStoreUrl.slice('file:'.length), blobId.slice(0, 2), blobId);
    const saved = readFileSync(path);
    const damaged = Buffer.from(saved);
    damaged[damaged.length - 5]! ^= 0x01;
    writeFileSync(path, damaged);
    try {
      const to = join(dir, 'target');
      await createBackup(instance.services, { to, recipients: [identity.recipient] });
      const result = await runDrill(instance.services, { source: to, identity: identity.secretKey, compose: composeModules });
      expect(result).toMatchObject({ ok: false, auditOk: true, error: 'INTEGRITY_ERROR', documentsFailed: 1 });
      const status = (await get(firm.admin)).json<{ lastDrill: { ok: boolean; errorCode: string }; lastSuccessfulDrill: { ok: boolean } | null }>();
      expect(status.lastDrill).toMatchObject({ ok: false, errorCode: 'INTEGRITY_ERROR' });
      expect(status.lastSuccessfulDrill?.ok).toBe(true);
    } finally {
      writeFileSync(path, saved);
    }
  });
});
