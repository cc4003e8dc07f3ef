import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientId, UserId } from '../../../common/ids.js';
import type { AppServices } from '../../platform/context.js';
import { systemContext } from '../../platform/context.js';
import { tablesOf } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { createLogger } from '../../platform/logging/logger.js';
import { closeServices, createServices } from '../../platform/services.js';
import { DIALECTS } from '../../test-support/dialects.js';
import { createTestInstance, type TestInstance } from '../../test-support/test-instance.js';
import type { KeysTables } from './keys.tables.js';
import { requireAccess } from '../../access/index.js';
import { seedMatter, userContext } from '../../test-support/access.js';
import {
  clientBlindIndexKey,
  clientKey,
  currentClientKey,
  unsafeClientKey,
  unsafeCreateClientKey,
  unsafeCurrentClientKey,
  isSealed,
  startKeys,
  unsafeRotateClientKey,
  unsafeRotateMasterKey,
  unsafeShredClientKeys,
  unseal,
} from './keys.service.js';

const open: TestInstance[] = [];
const extra: AppServices[] = [];
afterEach(async () => {
  for (const services of extra.splice(0)) await closeServices(services);
  for (const instance of open.splice(0)) await instance.close();
});

async function instanceWith(dialect: (typeof DIALECTS)[number], env: Record<string, string> = {}): Promise<TestInstance> {
  const instance = await createTestInstance(dialect, { env, http: false });
  open.push(instance);
  return instance;
}

/** The same instance as after a restart: new services over the same database and data folder. */
async function restart(instance: TestInstance): Promise<AppServices> {
  const services = createServices(instance.config, { clock: instance.clock, logger: createLogger({ logLevel: 'silent' }) });
  extra.push(services);
  await startKeys(services);
  return services;
}

describe.each(DIALECTS)('keys on %s', (dialect) => {
  it('file provider: init writes a 0600 key file outside the database; client keys are versioned and wrapped', async () => {
    const instance = await instanceWith(dialect);
    const file = instance.config.masterKey.file;
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const ctx = instance.system();
    const clientId = newId<ClientId>();
    const created = await unsafeCreateClientKey(ctx, clientId);
    expect(created.version).toBe(1);
    const current = await unsafeCurrentClientKey(ctx, clientId);
    expect(current.key.equals(created.key)).toBe(true);
    const rows = await tablesOf<KeysTables>(ctx.db).selectFrom('keys_client_keys').selectAll().where('client_id', '=', clientId).execute();
    expect(rows).toHaveLength(1);
    // Stored wrapped, never raw.
    expect(Buffer.from(rows[0]!.wrapped_key!, 'base64').includes(created.key)).toBe(false);
    expect(rows[0]!.wrapped_key).not.toContain(created.key.toString('base64'));
  });

  it('rotating a client key: new writes use the new version, the old version still opens', async () => {
    const instance = await instanceWith(dialect);
    const ctx = instance.system();
    const clientId = newId<ClientId>();
    const v1 = await unsafeCreateClientKey(ctx, clientId);
    expect(await unsafeRotateClientKey(ctx, clientId)).toEqual({ version: 2 });
    const current = await unsafeCurrentClientKey(ctx, clientId);
    expect(current.version).toBe(2);
    expect(current.key.equals(v1.key)).toBe(false);
    expect((await unsafeClientKey(ctx, clientId, 1)).equals(v1.key)).toBe(true);
    await expect(unsafeClientKey(ctx, clientId, 3)).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
  });

  it('rotating the master key re-wraps every client key and survives a restart', async () => {
    const instance = await instanceWith(dialect);
    const ctx = instance.system();
    const clientA = newId<ClientId>();
    const clientB = newId<ClientId>();
    const a = await unsafeCreateClientKey(ctx, clientA);
    const b = await unsafeCreateClientKey(ctx, clientB);
    const oldFile = readFileSync(instance.config.masterKey.file, 'utf8');
    const result = await unsafeRotateMasterKey(ctx);
    expect(result).toEqual({ version: 2, rewrapped: 2 });
    expect(readFileSync(instance.config.masterKey.file, 'utf8')).not.toBe(oldFile);
    expect(statSync(instance.config.masterKey.file).mode & 0o777).toBe(0o600);
    expect(existsSync(`${instance.config.masterKey.file}.next`)).toBe(false);
    expect((await unsafeClientKey(ctx, clientA, 1)).equals(a.key)).toBe(true);
    const restarted = await restart(instance);
    const ctx2 = systemContext(restarted, 'test');
    expect((await unsafeClientKey(ctx2, clientB, 1)).equals(b.key)).toBe(true);
    // The old master key no longer opens anything.
    writeFileSync(instance.config.masterKey.file, oldFile);
    const withOldKey = createServices(instance.config, { clock: instance.clock, logger: createLogger({ logLevel: 'silent' }) });
    extra.push(withOldKey);
    await expect(startKeys(withOldKey)).rejects.toThrow(/does not open/);
  });

  it('recovers from a rotation interrupted after the re-wrap committed but before the new key file replaced the old', async () => {
    const instance = await instanceWith(dialect);
    const ctx = instance.system();
    const clientId = newId<ClientId>();
    const key = await unsafeCreateClientKey(ctx, clientId);
    const oldFile = readFileSync(instance.config.masterKey.file, 'utf8');
    await unsafeRotateMasterKey(ctx);
    const newFile = readFileSync(instance.config.masterKey.file, 'utf8');
    writeFileSync(instance.config.masterKey.file, oldFile);
    writeFileSync(`${instance.config.masterKey.file}.next`, newFile, { mode: 0o600 });
    const restarted = await restart(instance);
    expect((await unsafeClientKey(systemContext(restarted, 'test'), clientId, 1)).equals(key.key)).toBe(true);
    expect(readFileSync(instance.config.masterKey.file, 'utf8')).toBe(newFile);
    expect(existsSync(`${instance.config.masterKey.file}.next`)).toBe(false);
  });

  it('a client key opens only for an authorization of that client, never for a raw id or a firm-level one', async () => {
    const instance = await instanceWith(dialect);
    const attorney = newId() as UserId;
    const mine = await seedMatter(instance, attorney);
    const theirs = await seedMatter(instance, newId() as UserId);
    for (const { clientId } of [mine, theirs]) await unsafeCreateClientKey(instance.system(), clientId);
    const ctx = userContext(instance, 'attorney', { userId: attorney });
    const expected = await unsafeClientKey(instance.system(), mine.clientId, 1);

    const onClient = await requireAccess(ctx, 'client.read', { kind: 'client', clientId: mine.clientId });
    expect((await clientKey(ctx, onClient, 1)).equals(expected)).toBe(true);
    expect((await currentClientKey(ctx, onClient)).key.equals(expected)).toBe(true);
    // A matter's authorization opens its client's key: access resolved the client, not the caller.
    const onMatter = await requireAccess(ctx, 'matter.read', { kind: 'matter', matterId: mine.matterId });
    expect((await clientKey(ctx, onMatter, 1)).equals(expected)).toBe(true);
    expect((await clientBlindIndexKey(ctx, onMatter, 1)).length).toBe(32);

    // Another client's key needs an authorization for that client, which this attorney does not get.
    await expect(requireAccess(ctx, 'client.read', { kind: 'client', clientId: theirs.clientId })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    // @ts-expect-error a raw client id is not an authorization (a compile error; refused at run time too)
    await expect(clientKey(ctx, theirs.clientId, 1)).rejects.toThrow();
    // @ts-expect-error a raw client id is not an authorization
    await expect(currentClientKey(ctx, theirs.clientId)).rejects.toThrow();
    const firmLevel = await requireAccess(ctx, 'client.create', { kind: 'firm' });
    // @ts-expect-error a firm-level authorization names no client and opens no client key
    await expect(clientKey(ctx, firmLevel, 1)).rejects.toThrow();
  });

  it('crypto-shredding destroys every version irreversibly: later reads answer KEY_DESTROYED', async () => {
    const instance = await instanceWith(dialect);
    const ctx = instance.system();
    const clientId = newId<ClientId>();
    const other = newId<ClientId>();
    await unsafeCreateClientKey(ctx, clientId);
    await unsafeCreateClientKey(ctx, other);
    await unsafeRotateClientKey(ctx, clientId);
    expect(await unsafeShredClientKeys(ctx, clientId)).toEqual({ destroyedVersions: 2 });
    await expect(unsafeCurrentClientKey(ctx, clientId)).rejects.toMatchObject({ code: 'KEY_DESTROYED', status: 410 });
    await expect(unsafeClientKey(ctx, clientId, 1)).rejects.toMatchObject({ code: 'KEY_DESTROYED' });
    await expect(unsafeRotateClientKey(ctx, clientId)).rejects.toMatchObject({ code: 'KEY_DESTROYED' });
    const rows = await tablesOf<KeysTables>(ctx.db).selectFrom('keys_client_keys').selectAll().where('client_id', '=', clientId).execute();
    expect(rows.every((row) => row.wrapped_key === null && row.state === 'destroyed')).toBe(true);
    // Other clients are untouched, and a later master rotation skips destroyed keys.
    expect((await unsafeCurrentClientKey(ctx, other)).version).toBe(1);
    expect((await unsafeRotateMasterKey(ctx)).rewrapped).toBe(1);
  });

  it('passphrase provider: starts sealed, unseals with the passphrase, refuses a wrong one', async () => {
    const instance = await instanceWith(dialect, { MASTER_KEY_PROVIDER: 'passphrase' });
    const ctx = instance.system();
    expect(existsSync(instance.config.masterKey.file)).toBe(false);
    expect(isSealed(instance.services)).toBe(true);
    const clientId = newId<ClientId>();
    await expect(unsafeCreateClientKey(ctx, clientId)).rejects.toMatchObject({ code: 'SEALED', status: 503 });
    await expect(unseal(ctx, 'short')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await unseal(ctx, 'a long enough operator passphrase');
    expect(isSealed(instance.services)).toBe(false);
    const key = await unsafeCreateClientKey(ctx, clientId);

    const restarted = await restart(instance);
    const ctx2 = systemContext(restarted, 'test');
    expect(isSealed(restarted)).toBe(true);
    await expect(unseal(ctx2, 'the wrong operator passphrase')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(isSealed(restarted)).toBe(true);
    await unseal(ctx2, 'a long enough operator passphrase');
    expect((await unsafeClientKey(ctx2, clientId, 1)).equals(key.key)).toBe(true);

    // Rotating to a new passphrase: the old one stops working after a restart.
    await unsafeRotateMasterKey(ctx2, { newPassphrase: 'the brand new operator passphrase' });
    const again = await restart(instance);
    await expect(unseal(systemContext(again, 'test'), 'a long enough operator passphrase')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await unseal(systemContext(again, 'test'), 'the brand new operator passphrase');
    expect((await unsafeClientKey(systemContext(again, 'test'), clientId, 1)).equals(key.key)).toBe(true);
  });

  it('env provider: a MASTER_KEY that does not match the instance refuses to start', async () => {
    const first = Buffer.alloc(32, 7).toString('base64');
    const instance = await instanceWith(dialect, { MASTER_KEY_PROVIDER: 'env', MASTER_KEY: first });
    const clientId = newId<ClientId>();
    const key = await unsafeCreateClientKey(instance.system(), clientId);
    expect(existsSync(instance.config.masterKey.file)).toBe(false);
    const wrong = createServices({ ...instance.config, masterKey: { ...instance.config.masterKey, envValue: Buffer.alloc(32, 8).toString('base64') } }, { logger: createLogger({ logLevel: 'silent' }) });
    extra.push(wrong);
    await expect(startKeys(wrong)).rejects.toThrow(/MASTER_KEY does not open/);
    const right = await restart(instance);
    expect((await unsafeClientKey(systemContext(right, 'test'), clientId, 1)).equals(key.key)).toBe(true);
  });
});
