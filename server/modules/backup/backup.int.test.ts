import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDetached, verifyLog } from '../../audit/index.js';
import { fileHeaders, padding } from '../../platform/archive/tar.js';
import { createAgeEncryptStream } from '../../platform/crypto/age.js';
import { openDatabase } from '../../platform/db/database.js';
import { buildApp } from '../../app.js';
import { testConfig } from '../../config.js';
import { systemContext } from '../../platform/context.js';
import { createLogger } from '../../platform/logging/logger.js';
import { closeServices, createServices } from '../../platform/services.js';
import { composeModules } from '../registry.js';
import { ageChecker, type AgeIdentity } from '../../test-support/age-check.js';
import { createTestDatabase, DIALECTS, type Dialect } from '../../test-support/dialects.js';
import { buildDocument, buildSession, type BuiltDocument } from '../../test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import { unsafeShredClientKeys } from '../keys/index.js';
import { BackupError, createBackup, recordShreds, restoreBackup, verifyBackup, type BackupManifest } from './index.js';
import { readTar } from './tar-read.js';

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

const latestDir = (dir: string) => join(dir, 'backups', readdirSync(join(dir, 'backups')).sort().at(-1)!);

describe.each(DIALECTS)('backups on %s', (dialect) => {
  let instance: TestInstance;
  let doc: BuiltDocument;
  let identity: AgeIdentity;
  let other: AgeIdentity;
  let dir: string;
  const scratch: string[] = [];
  const temp = (prefix: string) => {
    const path = mkdtempSync(join(tmpdir(), prefix));
    scratch.push(path);
    return path;
  };

  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    doc = await buildDocument(instance, { content: Buffer.alloc(300_000, 'confidential ') });
    identity = await age.generateIdentity();
    other = await age.generateIdentity();
    dir = temp('confidant-backup-');
  });
  afterAll(async () => {
    await instance.close();
    for (const path of scratch) rmSync(path, { recursive: true, force: true });
  });

  it('writes an age archive the age CLI opens, with every table and the audit key, and blobs by SHA-256', async () => {
    const summary = await createBackup(instance.services, { to: dir, recipients: [identity.recipient, other.recipient], includeMasterKey: true });
    expect(summary.dialect).toBe(dialect);
    expect(summary.blobs).toBeGreaterThanOrEqual(1);
    expect(summary.copiedBlobs).toBe(summary.blobs);
    const archive = readFileSync(join(summary.path, 'archive.tar.age'));
    const parts = readTar(await age.decrypt(archive, identity));
    expect([...parts.keys()]).toEqual(expect.arrayContaining(['db/audit_event.jsonl', 'keys/audit-checkpoint.key', 'keys/master.key', 'backup.json']));
    expect(parts.get('keys/master.key')).toEqual(readFileSync(instance.config.masterKey.file));
    // Nothing in the archive is in clear: the document's text appears nowhere in the file.
    expect(archive.includes(Buffer.from('confidential confidential'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(summary.path, 'manifest.json'), 'utf8')) as { manifest: { blobs: { sha256: string }[] } };
    for (const blob of manifest.manifest.blobs) expect(readdirSync(join(dir, 'blobs'))).toContain(blob.sha256);
  });

  it('a second backup copies no blob it already holds', async () => {
    const summary = await createBackup(instance.services, { to: dir, recipients: [identity.recipient] });
    expect(summary.blobs).toBeGreaterThanOrEqual(1);
    expect(summary.copiedBlobs).toBe(0);
    expect(summary.masterKeyIncluded).toBe(false);
    await buildDocument(instance, { matter: doc.matter, by: doc.by });
    const third = await createBackup(instance.services, { to: dir, recipients: [identity.recipient], includeMasterKey: true });
    expect(third.copiedBlobs).toBe(1);
    expect(third.blobs).toBe(summary.blobs + 1);
    expect(third.id > summary.id).toBe(true);
    expect((await verifyBackup(dir)).id).toBe(third.id);
  });

  it('verifies: signature, archive, blobs, and with an identity every part', async () => {
    const report = await verifyBackup(dir);
    expect(report).toMatchObject({ trust: 'self-declared', decrypted: false });
    const full = await verifyBackup(dir, { identity: identity.secretKey });
    expect(full).toMatchObject({ trust: 'archive', decrypted: true });
    expect(full.partsChecked).toBeGreaterThan(10);
  });

  it('refuses tampering with a clear code', async () => {
    const copy = () => {
      const path = temp('confidant-backup-bad-');
      cpSync(dir, path, { recursive: true });
      return path;
    };
    const flip = (file: string, at: number) => {
      const bytes = readFileSync(file);
      bytes[at]! ^= 0x01;
      writeFileSync(file, bytes);
    };
    let bad = copy();
    flip(join(latestDir(bad), 'archive.tar.age'), 400);
    expect(await codeOf(verifyBackup(bad))).toBe('BACKUP_ARCHIVE_DAMAGED');

    bad = copy();
    truncateSync(join(latestDir(bad), 'archive.tar.age'), 200);
    expect(await codeOf(verifyBackup(bad))).toBe('BACKUP_ARCHIVE_DAMAGED');

    bad = copy();
    // A blob the latest manifest lists (DIR/blobs may also hold blobs only older backups name).
    const blobs = (JSON.parse(readFileSync(join(latestDir(bad), 'manifest.json'), 'utf8')) as { manifest: { blobs: { sha256: string }[] } }).manifest.blobs.map((b) => b.sha256);
    flip(join(bad, 'blobs', blobs[0]!), 100);
    expect(await codeOf(verifyBackup(bad))).toBe('BACKUP_BLOB_MISMATCH');

    bad = copy();
    unlinkSync(join(bad, 'blobs', blobs[0]!));
    expect(await codeOf(verifyBackup(bad))).toBe('BACKUP_BLOB_MISSING');

    bad = copy();
    const manifestPath = join(latestDir(bad), 'manifest.json');
    const signed = JSON.parse(readFileSync(manifestPath, 'utf8')) as { manifest: { tables: { rows: number }[] } };
    signed.manifest.tables[0]!.rows += 1;
    writeFileSync(manifestPath, JSON.stringify(signed));
    expect(await codeOf(verifyBackup(bad))).toBe('BACKUP_SIGNATURE_INVALID');

    bad = copy();
    writeFileSync(join(latestDir(bad), 'manifest.json'), '{"manifest": ');
    expect(await codeOf(verifyBackup(bad))).toBe('BACKUP_MANIFEST_INVALID');

    const stranger = await age.generateIdentity();
    expect(await codeOf(verifyBackup(dir, { identity: stranger.secretKey }))).toBe('BACKUP_IDENTITY_WRONG');
    expect(await codeOf(verifyBackup(dir, { identity: 'not a key' }))).toBe('BACKUP_IDENTITY_INVALID');
    // The untouched backup still verifies.
    expect((await verifyBackup(dir, { identity: identity.secretKey })).decrypted).toBe(true);
  });

  it('restores into an empty target: the audit log verifies and the document downloads intact', async () => {
    const target = await createTestDatabase(dialect);
    const config = testConfig(target.dataDir, { DATABASE_URL: target.url });
    try {
      const report = await restoreBackup(config, dir, { identity: identity.secretKey });
      expect(report.masterKeyRestored).toBe(true);
      expect(report.rows).toBeGreaterThan(0);
      const services = createServices(config, { logger: createLogger({ logLevel: 'silent' }) });
      composeModules(services);
      const app = await buildApp(services, { webRoot: null, logRequests: false });
      try {
        const audit = await verifyLog(services, {});
        expect(audit.ok).toBe(true);
        const fake = { services, system: (name = 'test') => systemContext(services, name) } as unknown as TestInstance;
        const session = await buildSession(fake, doc.by);
        const response = await app.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}/content`, headers: session.headers });
        if (response.statusCode !== 200) console.log('DBG2', response.body);
        expect(response.statusCode).toBe(200);
        expect(response.rawPayload.equals(doc.content)).toBe(true);
      } finally {
        await app.close();
        await closeServices(services);
      }
      // Restoring again over what is now there is refused, and changes nothing.
      expect(await codeOf(restoreBackup(config, dir, { identity: identity.secretKey }))).toBe('BACKUP_TARGET_NOT_EMPTY');
    } finally {
      await target.drop();
    }
  });

  it('refuses a wrong identity before touching the target', async () => {
    const target = await createTestDatabase(dialect);
    const config = testConfig(target.dataDir, { DATABASE_URL: target.url });
    try {
      const stranger = await age.generateIdentity();
      expect(await codeOf(restoreBackup(config, dir, { identity: stranger.secretKey }))).toBe('BACKUP_IDENTITY_WRONG');
      expect(readdirSync(target.dataDir)).toEqual([]);
    } finally {
      await target.drop();
    }
  });
});

const crossings: [Dialect, Dialect][] = DIALECTS.includes('postgres') ? [['sqlite', 'postgres'], ['postgres', 'sqlite']] : [];
describe.each(crossings)('a backup taken on %s restores onto %s (the migration path)', (from, to) => {
  it('restores, the audit log verifies and the document downloads intact', async () => {
    const instance = await createTestInstance(from);
    const dir = mkdtempSync(join(tmpdir(), 'confidant-backup-cross-'));
    const target = await createTestDatabase(to);
    try {
      const doc = await buildDocument(instance, { content: Buffer.alloc(70_000, 'migrated ') });
      const identity = await age.generateIdentity();
      await createBackup(instance.services, { to: dir, recipients: [identity.recipient], includeMasterKey: true });
      const config = testConfig(target.dataDir, { DATABASE_URL: target.url });
      const report = await restoreBackup(config, dir, { identity: identity.secretKey });
      expect(report).toMatchObject({ dialect: from, restoredInto: { database: to } });
      const services = createServices(config, { logger: createLogger({ logLevel: 'silent' }) });
      composeModules(services);
      const app = await buildApp(services, { webRoot: null, logRequests: false });
      try {
        expect((await verifyLog(services, {})).ok).toBe(true);
        const fake = { services, system: (name = 'test') => systemContext(services, name) } as unknown as TestInstance;
        const session = await buildSession(fake, doc.by);
        const response = await app.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}/content`, headers: session.headers });
        expect(response.statusCode).toBe(200);
        expect(response.rawPayload.equals(doc.content)).toBe(true);
      } finally {
        await app.close();
        await closeServices(services);
      }
    } finally {
      await instance.close();
      await target.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(DIALECTS)('crypto-shred survives restore on %s', (dialect) => {
  let instance: TestInstance;
  let identity: AgeIdentity;
  let shredded: BuiltDocument;
  let kept: BuiltDocument;
  let dir: string;
  let before: string;
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    shredded = await buildDocument(instance);
    kept = await buildDocument(instance);
    identity = await age.generateIdentity();
    dir = mkdtempSync(join(tmpdir(), 'confidant-backup-shred-'));
    // The backup is taken while the client is alive; the client is shredded afterwards.
    before = (await createBackup(instance.services, { to: dir, recipients: [identity.recipient], includeMasterKey: true })).id;
    await unsafeShredClientKeys(instance.system('test'), shredded.matter.clientId);
  });
  afterAll(async () => {
    await instance.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const restoreAndDownload = async (options: { shredLists?: string[] } = {}) => {
    const target = await createTestDatabase(dialect);
    const config = testConfig(target.dataDir, { DATABASE_URL: target.url });
    try {
      const report = await restoreBackup(config, dir, { identity: identity.secretKey, backup: before, ...options });
      const services = createServices(config, { logger: createLogger({ logLevel: 'silent' }) });
      composeModules(services);
      const app = await buildApp(services, { webRoot: null, logRequests: false });
      try {
        const fake = { services, system: (name = 'test') => systemContext(services, name) } as unknown as TestInstance;
        const status = async (doc: BuiltDocument) => (await app.inject({ method: 'GET', url: `/api/v1/documents/${doc.id}/content`, headers: (await buildSession(fake, doc.by)).headers })).statusCode;
        return { report, shredded: await status(shredded), kept: await status(kept), audit: (await verifyLog(services, {})).ok };
      } finally {
        await app.close();
        await closeServices(services);
      }
    } finally {
      await target.drop();
    }
  };

  it('without the shred list the old backup would bring the client back (the test can fail)', async () => {
    const result = await restoreAndDownload();
    expect(result.shredded).toBe(200);
    expect(result.report.reappliedShreds.clients).toBe(0);
  });

  it('once the shred is in DIR’s shred list, restoring the older backup leaves the client unreadable', async () => {
    expect((await recordShreds(instance.services, dir)).added).toBeGreaterThanOrEqual(1);
    const result = await restoreAndDownload();
    expect(result.report.reappliedShreds.clients).toBe(1);
    expect(result.shredded).toBe(410);
    expect(result.kept).toBe(200);
    expect(result.audit).toBe(true);
  });

  it('a later backup records the shred list in its signed manifest; a cut list is refused', async () => {
    await createBackup(instance.services, { to: dir, recipients: [identity.recipient] });
    const list = join(dir, 'shreds.jsonl');
    const saved = readFileSync(list);
    writeFileSync(list, '');
    try {
      const target = await createTestDatabase(dialect);
      try {
        const config = testConfig(target.dataDir, { DATABASE_URL: target.url });
        expect(await codeOf(restoreBackup(config, dir, { identity: identity.secretKey, backup: before }))).toBe('BACKUP_MANIFEST_INVALID');
        expect(readdirSync(target.dataDir)).toEqual([]);
      } finally {
        await target.drop();
      }
    } finally {
      writeFileSync(list, saved);
    }
    // A list kept elsewhere is applied too.
    const elsewhere = join(tmpdir(), `shreds-${Date.now()}.jsonl`);
    writeFileSync(elsewhere, saved);
    try {
      const result = await restoreAndDownload({ shredLists: [elsewhere] });
      expect(result.shredded).toBe(410);
    } finally {
      rmSync(elsewhere, { force: true });
    }
  });
});

describe.each(DIALECTS)('a restore that fails half-way leaves nothing on %s', (dialect) => {
  it('undoes the staging folder, the blobs and the database', async () => {
    const instance = await createTestInstance(dialect);
    const dir = mkdtempSync(join(tmpdir(), 'confidant-backup-undo-'));
    const target = await createTestDatabase(dialect);
    try {
      await buildDocument(instance);
      const identity = await age.generateIdentity();
      const { path } = await createBackup(instance.services, { to: dir, recipients: [identity.recipient], includeMasterKey: true });
      // A backup signed by the right key whose last table holds a row the schema refuses (the
      // signature and hashes are redone, as an insider with the audit key could): the database
      // load fails after the blobs and the earlier tables went in.
      const parts = readTar(await age.decrypt(readFileSync(join(path, 'archive.tar.age')), identity));
      const signedPath = join(path, 'manifest.json');
      const signed = JSON.parse(readFileSync(signedPath, 'utf8')) as { manifest: BackupManifest; signature: unknown };
      const victim = signed.manifest.tables.at(-1)!.name;
      parts.set(`db/${victim}.jsonl`, Buffer.from(`${JSON.stringify({ no_such_column: 1 })}\n`));
      const files = signed.manifest.parts.map((p) => ({ path: p.path, bytes: parts.get(p.path)! }));
      const tar = Buffer.concat([...files.flatMap((f) => [...fileHeaders(f.path, f.bytes.length, 0), f.bytes, padding(f.bytes.length)]), Buffer.alloc(1024)]);
      const chunks: Buffer[] = [];
      await pipeline(Readable.from([tar]), createAgeEncryptStream([identity.recipient]), async function* (source) {
        for await (const chunk of source) chunks.push(chunk as Buffer);
      });
      const archive = Buffer.concat(chunks);
      writeFileSync(join(path, 'archive.tar.age'), archive);
      signed.manifest.parts = files.map((f) => ({ path: f.path, size: f.bytes.length, sha256: createHash('sha256').update(f.bytes).digest('hex') }));
      signed.manifest.archive = { ...signed.manifest.archive, size: archive.length, sha256: createHash('sha256').update(archive).digest('hex') };
      signed.signature = signDetached(instance.services, 'backup.manifest', Buffer.from(canonicalize(signed.manifest)!, 'utf8'));
      writeFileSync(signedPath, JSON.stringify(signed));
      expect((await verifyBackup(dir, { identity: identity.secretKey })).decrypted).toBe(true);

      const config = testConfig(target.dataDir, { DATABASE_URL: target.url });
      expect(await codeOf(restoreBackup(config, dir, { identity: identity.secretKey }))).toBe('BACKUP_RESTORE_FAILED');
      expect(readdirSync(target.dataDir)).toEqual([]);
      const parent = join(target.dataDir, '..');
      expect(readdirSync(parent).filter((n) => n.startsWith(`${target.dataDir.split('/').at(-1)!}.restoring`))).toEqual([]);
      if (dialect === 'postgres') {
        const probe = openDatabase(config, { poolSize: 1 });
        try {
          const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema()`.execute(probe.db);
          expect(tables.rows[0]!.n).toBe(0);
        } finally {
          await probe.close();
        }
      }
      // The target is still a valid empty target: a good backup restores into it afterwards.
      await createBackup(instance.services, { to: dir, recipients: [identity.recipient], includeMasterKey: true });
      expect((await restoreBackup(config, dir, { identity: identity.secretKey })).rows).toBeGreaterThan(0);
    } finally {
      await instance.close();
      await target.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
