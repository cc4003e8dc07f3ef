import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_ALERT_RULES, loadConfig } from './config.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** loadConfig with a configuration file holding `file`. */
function loadWithFile(file: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'confidant-config-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'confidant.json'), JSON.stringify(file));
  return loadConfig({ CONFIDANT_DATA_DIR: dir, PUBLIC_URL: 'https://confidant.firm.example' }, dir);
}

describe('loadConfig', () => {
  it('defaults to the embedded instance under ./data on 127.0.0.1:8080', () => {
    const config = loadConfig({}, '/srv/firm');
    expect(config.dataDir).toBe('/srv/firm/data');
    expect(config.database).toEqual({ kind: 'sqlite', url: 'sqlite:/srv/firm/data/confidant.db', sqlitePath: '/srv/firm/data/confidant.db' });
    expect(config.blobStoreUrl).toBe('file:/srv/firm/data/blobs');
    expect([config.host, config.port, config.publicUrl]).toEqual(['127.0.0.1', 8080, 'http://127.0.0.1:8080']);
    expect(config.masterKey.provider).toBe('file');
  });

  it('chooses PostgreSQL from DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/firm' }, '/x').database.kind).toBe('postgres');
  });

  it('lists every problem at once, naming each variable', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', MASTER_KEY_PROVIDER: 'env', TLS_CERT_FILE: '/nope.pem' }, '/x');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'MASTER_KEY is required', 'TLS_CERT_FILE and TLS_KEY_FILE']) expect(problems).toContain(name);
    expect((caught as ConfigError).problems).toHaveLength(5);
  });

  it('reads MAX_DOCUMENT_SIZE in bytes or with a unit, and refuses nonsense and more than 64GiB', () => {
    expect(loadConfig({}, '/srv').maxDocumentBytes).toBe(64 * 1024 ** 3);
    expect(loadConfig({ MAX_DOCUMENT_SIZE: '500MiB' }, '/srv').maxDocumentBytes).toBe(500 * 1024 ** 2);
    expect(loadConfig({ MAX_DOCUMENT_SIZE: '2 GB' }, '/srv').maxDocumentBytes).toBe(2e9);
    expect(loadConfig({ MAX_DOCUMENT_SIZE: '1048576' }, '/srv').maxDocumentBytes).toBe(1024 ** 2);
    for (const bad of ['0', 'lots', '-5MiB', '65GiB', '1TB', '5 parsecs']) expect(() => loadConfig({ MAX_DOCUMENT_SIZE: bad }, '/srv'), bad).toThrow(/MAX_DOCUMENT_SIZE/);
  });

  it('rejects a MASTER_KEY that is not 32 bytes without echoing it', () => {
    expect(() => loadConfig({ MASTER_KEY_PROVIDER: 'env', MASTER_KEY: Buffer.alloc(16).toString('base64') }, '/x')).toThrow(/exactly 32 bytes/);
    try {
      loadConfig({ MASTER_KEY_PROVIDER: 'env', MASTER_KEY: 'c2VjcmV0LXNlY3JldA==' }, '/x');
    } catch (error) {
      expect((error as Error).message).not.toContain('c2VjcmV0LXNlY3JldA==');
    }
  });

  it('parses the audit section and alert rules once, typed, with every default filled in', () => {
    const config = loadWithFile({ audit: { monitorIntervalSeconds: 0.5, complianceEmail: ' compliance@firm.example ' }, alertRules: { bulk_download: { threshold: 10, contain: false } } });
    expect(config.audit).toEqual({
      origin: 'confidant.firm.example/confidant-audit',
      checkpointIntervalSeconds: 300,
      verifyIntervalMinutes: 1440,
      monitorIntervalSeconds: 0.5,
      sinkIntervalSeconds: 10,
      alertDigestSeconds: 60,
      complianceEmail: 'compliance@firm.example',
      mailCheckpoints: false,
      witnessFile: null,
    });
    expect(config.alertRules.bulk_download).toEqual({ enabled: true, threshold: 10, windowMinutes: 10, contain: false });
    expect(config.alertRules.repeated_denials).toEqual(DEFAULT_ALERT_RULES.repeated_denials);
    expect(Object.keys(config.alertRules).sort()).toEqual(Object.keys(DEFAULT_ALERT_RULES).sort());
    // Each configuration gets its own copy: changing one never changes the defaults.
    config.alertRules.bulk_download.threshold = 1;
    expect(DEFAULT_ALERT_RULES.bulk_download.threshold).toBe(50);
  });

  it('refuses a section of the configuration file it does not know (a typo would be ignored in silence)', () => {
    expect(() => loadWithFile({ alertRule: { bulk_download: { threshold: 1 } } })).toThrow(/alertRule in the config file is not a section/);
    expect(() => loadWithFile({ audit: { mailCheckpoints: 'yes' }, alertRules: { after_leaving: { contain: 1 } } })).toThrow(ConfigError);
  });
});
