import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageChecker, type AgeIdentity } from '../../server/test-support/age-check.js';
import { createTestDatabase, DIALECTS } from '../../server/test-support/dialects.js';
import { buildDocument } from '../../server/test-support/factories.js';
import { createTestInstance, type TestInstance } from '../../server/test-support/test-instance.js';
import { runCli } from '../cli.testing.js';

describe.each(DIALECTS)('confidant backup on %s', (dialect) => {
  let instance: TestInstance;
  let identity: AgeIdentity;
  let folder: string;
  let keyFile: string;
  const saved = { ...process.env };
  const run = runCli;
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
    await buildDocument(instance);
    identity = await ageChecker().generateIdentity();
    folder = mkdtempSync(join(tmpdir(), 'confidant-backup-cli-'));
    keyFile = join(folder, 'identity.txt');
    writeFileSync(keyFile, `# backup identity\n${identity.secretKey}\n`);
    process.env.CONFIDANT_DATA_DIR = instance.database.dataDir;
    process.env.DATABASE_URL = instance.database.url;
    process.env.LOG_LEVEL = 'silent';
  });
  afterAll(async () => {
    process.env = saved;
    await instance.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('create --json writes progress as JSON lines and the result on stdout; verify and restore follow', async () => {
    const to = join(folder, 'backups');
    const created = await run('backup', 'create', '--to', to, '--recipient', identity.recipient, '--include-master-key', '--json');
    expect(created.code).toBe(0);
    const result = JSON.parse(created.lines.at(-1)!) as { event: string; blobs: number; masterKeyIncluded: boolean };
    expect(result).toMatchObject({ event: 'result', masterKeyIncluded: true });
    expect(result.blobs).toBeGreaterThanOrEqual(1);
    expect(created.errors.map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(expect.arrayContaining(['start', 'table', 'archive', 'blob', 'done']));

    const shreds = await run('backup', 'record-shreds', '--to', to);
    expect(shreds.code).toBe(0);
    expect(shreds.lines.join('\n')).toMatch(/^Shred list: 0 destroyed keys \(0 added now\)\.$/);

    const verified = await run('backup', 'verify', to, '--identity', keyFile);
    expect(verified.code).toBe(0);
    expect(verified.lines.join('\n')).toMatch(/is intact/);

    const drill = await run('backup', 'drill', to, '--identity', keyFile, '--json');
    expect(drill.errors).toEqual([]);
    expect(drill.code).toBe(0);
    expect(JSON.parse(drill.lines.at(-1)!)).toMatchObject({ ok: true, auditOk: true, dialect });
    expect((JSON.parse(readFileSync(join(to, 'drills.jsonl'), 'utf8').trim().split('\n').at(-1)!) as { ok: boolean }).ok).toBe(true);
    const stranger = await ageChecker().generateIdentity();
    const strangerFile = join(folder, 'stranger.txt');
    writeFileSync(strangerFile, stranger.secretKey);
    const failed = await run('backup', 'drill', to, '--identity', strangerFile);
    expect(failed.code).toBe(1);
    expect(failed.errors.join('\n')).toMatch(/^error BACKUP_DRILL_FAILED: .*BACKUP_IDENTITY_WRONG/);

    const wrongRecipient = await run('backup', 'create', '--to', to, '--recipient', 'age1notakey');
    expect(wrongRecipient.code).toBe(2);
    expect(wrongRecipient.errors.join('\n')).toMatch(/^error BACKUP_RECIPIENT_INVALID: /);

    // Restore into the instance's own (non-empty) target: refused.
    const refused = await run('backup', 'restore', to, '--identity', keyFile);
    expect(refused.code).toBe(1);
    expect(refused.errors.join('\n')).toMatch(/^error BACKUP_TARGET_NOT_EMPTY: /);

    const target = await createTestDatabase(dialect);
    try {
      process.env.CONFIDANT_DATA_DIR = target.dataDir;
      process.env.DATABASE_URL = target.url;
      const restored = await run('backup', 'restore', to, '--identity', keyFile);
      expect(restored.errors).toEqual([]);
      expect(restored.code).toBe(0);
      // The restore checked the instance it wrote: audit log and every document.
      expect(restored.lines.join('\n')).toMatch(/Checked: the audit log \(\d+ events\) verifies and all [1-9]\d* document versions decrypt\./);
      const checked = await run('backup', 'check', '--json');
      expect(checked.code).toBe(0);
      expect(JSON.parse(checked.lines.at(-1)!)).toMatchObject({ event: 'check', ok: true, documentsFailed: 0 });
      const audit = await run('audit', 'verify');
      expect(audit.code).toBe(0);
      expect(readFileSync(join(target.dataDir, 'keys', 'master.key'))).toEqual(readFileSync(instance.config.masterKey.file));
    } finally {
      process.env.CONFIDANT_DATA_DIR = instance.database.dataDir;
      process.env.DATABASE_URL = instance.database.url;
      await target.drop();
    }
  });

  it('takes the folder and recipients from BACKUP_TO and BACKUP_RECIPIENTS; a bad recipient there is a configuration error', async () => {
    const to = join(folder, 'configured');
    process.env.BACKUP_TO = to;
    process.env.BACKUP_RECIPIENTS = identity.recipient;
    try {
      const created = await run('backup', 'create');
      expect(created.errors).toEqual([]);
      expect(created.code).toBe(0);
      expect((await run('backup', 'verify', to, '--identity', keyFile)).code).toBe(0);
      process.env.BACKUP_RECIPIENTS = 'age1nope';
      const refused = await run('backup', 'create');
      expect(refused.code).toBe(2);
      expect(refused.errors.join('\n')).toMatch(/^error CONFIG_INVALID: .*BACKUP_RECIPIENTS/);
    } finally {
      delete process.env.BACKUP_TO;
      delete process.env.BACKUP_RECIPIENTS;
    }
  });

  it('verify names a damaged archive', async () => {
    const to = join(folder, 'damaged');
    expect((await run('backup', 'create', '--to', to, '--recipient', identity.recipient)).code).toBe(0);
    const { readdirSync } = await import('node:fs');
    const id = readdirSync(join(to, 'backups'))[0]!;
    const archive = join(to, 'backups', id, 'archive.tar.age');
    const bytes = readFileSync(archive);
    writeFileSync(archive, bytes.subarray(0, bytes.length - 10));
    const verified = await run('backup', 'verify', to);
    expect(verified.code).toBe(1);
    expect(verified.errors.join('\n')).toMatch(/^error BACKUP_ARCHIVE_DAMAGED: .*truncated/);
  });
});
