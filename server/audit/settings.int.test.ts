import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { DIALECTS } from '../test-support/dialects.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import { createCheckpoint } from './checkpoints.js';
import { recordEvent } from './index.js';
import { auditSettings, checkpointOriginProblem } from './settings.js';
import { describePublicKey, ensureSigningKey, loadSigningKey, openCheckpoint, parseVerifierKey, signCheckpoint, signingKeyPath } from './signing.js';
import { verifyLog } from './verify.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A data folder with `confidant.json` holding `file`; returns the env loadConfig reads. */
function withConfigFile(file: unknown, env: Record<string, string> = {}): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'confidant-audit-settings-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'confidant.json'), JSON.stringify(file));
  return { CONFIDANT_DATA_DIR: dir, CONFIDANT_CONFIG_FILE: join(dir, 'confidant.json'), LOG_LEVEL: 'silent', ...env };
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('audit.origin and the audit settings are validated when the configuration is loaded', () => {
  it.each([
    ['a space', 'firm.example/audit log'],
    ['a plus', 'firm.example/audit+log'],
    ['a tab', 'firm.example/audit\tlog'],
    ['a newline', 'firm.example/audit\nlog'],
    ['a no-break space', 'firm.example/audit\u00a0log'],
    ['a control character', 'firm.example/audit\u0007log'],
    ['nothing', ''],
  ])('refuses an origin with %s, naming the setting (start-up stops)', (_what, origin) => {
    const problems = problemsOf(withConfigFile({ audit: { origin } }));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toContain('audit.origin');
  });

  it('lists every problem together, with the others', () => {
    const problems = problemsOf(withConfigFile({ audit: { origin: 'a b+c', monitorIntervalSeconds: 'soon', complianceEmial: 'x@firm.example' }, alertRules: { bulk_downloads: { threshold: 5 }, bulk_download: { threshold: '5' } } }, { LOG_LEVEL: 'loud' }));
    expect(problems.some((p) => p.startsWith('audit.origin'))).toBe(true);
    expect(problems).toContain('audit.monitorIntervalSeconds must be a positive number');
    expect(problems.some((p) => p.startsWith('audit.complianceEmial '))).toBe(true);
    expect(problems.some((p) => p.startsWith('alertRules.bulk_downloads '))).toBe(true);
    expect(problems).toContain('alertRules.bulk_download.threshold must be a non-negative number');
    expect(problems.some((p) => p.startsWith('LOG_LEVEL'))).toBe(true);
  });

  it('refuses a default origin that PUBLIC_URL would make invalid, and accepts valid ones', () => {
    expect(problemsOf(withConfigFile({}, { PUBLIC_URL: 'https://audit+firm.example' })).join('\n')).toContain('audit.origin is not set');
    for (const origin of ['firm.example/confidant-audit', 'log.firm.example:8443/audit-2026', 'firm.example/audit/étude-dupont']) {
      const env = withConfigFile({ audit: { origin, monitorIntervalSeconds: 0.5 }, alertRules: { bulk_download: { threshold: 10, contain: false }, out_of_hours: { utcOffsetMinutes: -300 } } });
      expect(problemsOf(env), origin).toEqual([]);
      expect(auditSettings(loadConfig(env)).origin).toBe(origin);
    }
    expect(problemsOf(withConfigFile({}))).toEqual([]);
  });

  it('the key file: never written with a bad origin, and one written before the check is refused, not used', () => {
    const dir = mkdtempSync(join(tmpdir(), 'confidant-audit-key-'));
    dirs.push(dir);
    expect(() => ensureSigningKey(dir, 'firm.example/audit log')).toThrow(/whitespace/);
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    ensureSigningKey(dir, 'placeholder.example/audit');
    writeFileSync(signingKeyPath(dir), JSON.stringify({ origin: 'firm.example/audit+log', privateKey: pem }));
    expect(() => loadSigningKey(dir)).toThrow(/"\+"/);
  });

  it('why: a space in the origin makes every checkpoint unverifiable by our own verifier; a "+" breaks the verifier key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const spaced = { privateKey, ...describePublicKey('firm.example/audit log', publicKey) };
    expect(() => openCheckpoint(signCheckpoint(spaced, 1, Buffer.alloc(32)), spaced)).toThrow();
    const plus = describePublicKey('firm.example/audit+log', publicKey);
    expect(() => parseVerifierKey(plus.verifierKey)).toThrow();
    expect(checkpointOriginProblem('firm.example/confidant-audit')).toBeNull();
  });
});

describe.each(DIALECTS)('a configured origin round-trips through the product verifier on %s', (dialect) => {
  let instance: TestInstance | null = null;
  afterEach(async () => {
    await instance?.close();
    instance = null;
  });

  it('signs checkpoints under the configured origin that verifyLog and the public verifier key accept', async () => {
    const origin = 'log.firm.example:8443/audit-2026';
    const env = withConfigFile({ audit: { origin } });
    instance = await createTestInstance(dialect, { http: false, env: { CONFIDANT_CONFIG_FILE: env.CONFIDANT_CONFIG_FILE! } });
    const key = loadSigningKey(instance.config.dataDir);
    expect(key.origin).toBe(origin);
    await recordEvent(instance.system(), { action: 'system.tick', outcome: 'allowed' });
    const checkpoint = await createCheckpoint(instance.services);
    expect(checkpoint.note.startsWith(`${origin}\n`)).toBe(true);
    expect(openCheckpoint(checkpoint.note, parseVerifierKey(key.verifierKey))).toMatchObject({ origin, size: checkpoint.size });
    const report = await verifyLog(instance.services, { verifierKey: key.verifierKey, externalCheckpoint: checkpoint.note });
    expect(report, JSON.stringify(report.problems)).toMatchObject({ ok: true, problems: [] });
    expect(report.checkpointsChecked).toBeGreaterThanOrEqual(2);
  });
});
