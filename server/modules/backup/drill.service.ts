/**
 * `backup drill`: restore a backup into a scratch instance, verify its audit log, decrypt every
 * stored document, time it (the recovery time), and record the result — in the target's
 * drills.jsonl and as a run of this instance (the Backups page, the compliance posture).
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { verifyLog } from '../../audit/index.js';
import { loadConfig, type Config } from '../../config.js';
import { systemContext, type AppServices } from '../../platform/context.js';
import { createLogger } from '../../platform/logging/logger.js';
import { closeServices, createServices } from '../../platform/services.js';
import { unsafeCheckDocumentIntegrity } from '../vault/index.js';
import { openBackupTarget } from './backup-target.js';
import { restoreBackup } from './backup.service.js';
import { recordBackupRun, runErrorCode } from './runs.service.js';

export interface DrillResult {
  at: string;
  ok: boolean;
  backup?: string;
  backupCreatedAt?: string;
  dialect?: string;
  rows?: number;
  blobs?: number;
  auditEvents?: number;
  auditOk?: boolean;
  documentsChecked?: number;
  documentsFailed?: number;
  /** Set when the drill failed before its checks: the error code. */
  error?: string;
  rtoSeconds: number;
}

export interface DrillOptions {
  source: string;
  identity: string;
  backup?: string;
  requestedBy?: string;
  /** Wires the scratch instance's modules (the composition root's `composeModules`). */
  compose: (services: AppServices) => void;
}

export interface RestoredChecks {
  ok: boolean;
  auditEvents: number;
  auditOk: boolean;
  documentsChecked: number;
  documentsFailed: number;
  /** AUDIT_VERIFY_FAILED or INTEGRITY_ERROR when a check failed. */
  error?: string;
}

/**
 * What a restored instance must pass before anyone works on it: its audit log verifies and every
 * live document version decrypts. Needs the master key in place (the restore's report says where).
 */
export async function checkRestoredInstance(config: Config, compose: (services: AppServices) => void): Promise<RestoredChecks> {
  const restored = createServices(config, { logger: createLogger({ logLevel: 'silent' }) });
  compose(restored);
  try {
    const audit = await verifyLog(restored, {});
    const documents = await unsafeCheckDocumentIntegrity(systemContext(restored, 'backup.check'));
    const checks: RestoredChecks = { ok: audit.ok && documents.failed.length === 0, auditEvents: audit.events, auditOk: audit.ok, documentsChecked: documents.checked, documentsFailed: documents.failed.length };
    if (!audit.ok) checks.error = 'AUDIT_VERIFY_FAILED';
    else if (documents.failed.length > 0) checks.error = 'INTEGRITY_ERROR';
    return checks;
  } finally {
    await closeServices(restored);
  }
}

/** Runs a drill from `services`' instance; never throws for a failed drill (the result says so), only when it cannot record it. */
export async function runDrill(services: AppServices, options: DrillOptions): Promise<DrillResult> {
  const live = services.config;
  const scratch = await mkdtemp(join(tmpdir(), 'confidant-drill-'));
  const started = Date.now();
  const result: DrillResult = { at: new Date(started).toISOString(), ok: false, rtoSeconds: 0 };
  try {
    // A scratch SQLite instance whatever the backup's database (the format is the same); the
    // master key from the backup, else the one this instance is configured with.
    const env: Record<string, string> = { CONFIDANT_DATA_DIR: join(scratch, 'data'), LOG_LEVEL: 'silent', PORT: '0', MASTER_KEY_PROVIDER: live.masterKey.provider };
    if (live.masterKey.provider === 'env' && live.masterKey.envValue) env.MASTER_KEY = live.masterKey.envValue;
    const config = loadConfig(env, scratch);
    const report = await restoreBackup(config, options.source, { identity: options.identity, ...(options.backup ? { backup: options.backup } : {}) });
    if (!report.masterKeyRestored && live.masterKey.provider === 'file') await copyFile(resolve(live.masterKey.file), config.masterKey.file);
    const checks = await checkRestoredInstance(config, options.compose);
    Object.assign(result, { backup: report.id, backupCreatedAt: report.createdAt, dialect: report.dialect, rows: report.rows, blobs: report.blobs, ...checks });
    if (checks.error) result.error = checks.error;
  } catch (error) {
    result.error = runErrorCode(error);
  } finally {
    result.rtoSeconds = (Date.now() - started) / 1000;
    await rm(scratch, { recursive: true, force: true });
  }
  const target = openBackupTarget(options.source);
  try {
    const before = (await target.read('drills.jsonl')) ?? Buffer.alloc(0);
    await target.write('drills.jsonl', Buffer.concat([before, Buffer.from(`${JSON.stringify(result)}\n`, 'utf8')]));
  } finally {
    await target.close();
  }
  const { at: _at, ok, backup, error, ...detail } = result;
  await recordBackupRun(systemContext(services, 'backup.drill'), {
    kind: 'drill',
    startedAt: started,
    ok,
    target: target.location,
    backupId: backup ?? null,
    requestedBy: options.requestedBy ?? null,
    errorCode: error ?? null,
    detail: Object.fromEntries(Object.entries(detail).filter(([, v]) => v !== undefined)) as Record<string, number | string | boolean>,
  });
  return result;
}
