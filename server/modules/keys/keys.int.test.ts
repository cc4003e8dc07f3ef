import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientId, MatterId, UserId } from '../../../common/ids.js';
import type { AppServices, RequestContext } from '../../platform/context.js';
import { inTransaction, systemContext } from '../../platform/context.js';
import { IntegrityError } from '../../platform/crypto/chunked-aead.js';
import { unwrapKey } from '../../platform/crypto/key-wrap.js';
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
  objectKeyAad,
} from './keys.service.js';
import { newObjectKey, objectDataKey, unsafeDestroyObjectKeys, unsafeNewObjectKey, unsafeObjectDataKey } from './object-keys.service.js';

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
    expect(result).toEqual({ version: 2, rewrapped: 2, rewrappedObjectKeys: 0 });
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
    expect(await unsafeShredClientKeys(ctx, clientId)).toMatchObject({ destroyedVersions: 2, eventIndex: expect.any(Number) });
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

  describe('object keys', () => {
    const objectRows = (ctx: RequestContext) => tablesOf<KeysTables>(ctx.db).selectFrom('keys_object_keys').selectAll();

    /** A client key and `count` persisted object keys of one matter, by raw ids (system jobs' way). */
    async function objectKeysOf(ctx: RequestContext, count: number, clientId = newId<ClientId>(), matterId = newId<MatterId>()) {
      if (!(await unsafeCurrentClientKey(ctx, clientId).catch(() => null))) await unsafeCreateClientKey(ctx, clientId);
      const keys = [];
      for (let i = 0; i < count; i += 1) {
        const key = await unsafeNewObjectKey(ctx, clientId, matterId);
        await inTransaction(ctx, (tx) => key.persist(tx));
        keys.push(key);
      }
      return { clientId, matterId, keys };
    }

    it('a new object key derives its data key from the client key and a secret stored only wrapped by the master key; it opens for its own client and matter only', async () => {
      const instance = await instanceWith(dialect);
      const attorney = newId() as UserId;
      const mine = await seedMatter(instance, attorney);
      const other = await seedMatter(instance, attorney);
      await unsafeCreateClientKey(instance.system(), mine.clientId);
      await unsafeCreateClientKey(instance.system(), other.clientId);
      const ctx = userContext(instance, 'attorney', { userId: attorney });
      const onMatter = await requireAccess(ctx, 'matter.read', { kind: 'matter', matterId: mine.matterId });
      const key = await newObjectKey(ctx, onMatter, mine.matterId);
      expect(key.keyVersion).toBe(1);
      expect(key.dataKey).toHaveLength(32);
      // Not the client key itself, and not persisted yet: nothing opens it.
      expect(key.dataKey.equals(await unsafeClientKey(instance.system(), mine.clientId, 1))).toBe(false);
      await expect(objectDataKey(ctx, onMatter, key.id, 1)).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
      await inTransaction(ctx, (tx) => key.persist(tx));
      expect((await objectDataKey(ctx, onMatter, key.id, 1)).equals(key.dataKey)).toBe(true);
      const onClient = await requireAccess(ctx, 'client.read', { kind: 'client', clientId: mine.clientId });
      expect((await objectDataKey(ctx, onClient, key.id, 1)).equals(key.dataKey)).toBe(true);
      expect((await unsafeObjectDataKey(instance.system(), mine.clientId, key.id, 1)).equals(key.dataKey)).toBe(true);
      // Another client's or another matter's authorization does not open it (the same answer as a missing key).
      const onOtherClient = await requireAccess(ctx, 'client.read', { kind: 'client', clientId: other.clientId });
      await expect(objectDataKey(ctx, onOtherClient, key.id, 1)).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
      const onOtherMatter = await requireAccess(ctx, 'matter.read', { kind: 'matter', matterId: other.matterId });
      await expect(objectDataKey(ctx, onOtherMatter, key.id, 1)).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
      await expect(newObjectKey(ctx, onMatter, other.matterId)).rejects.toThrow(/another/);
      // A wrong key version derives nothing.
      await expect(objectDataKey(ctx, onMatter, key.id, 2)).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
      const [row] = await objectRows(ctx).where('id', '=', key.id).execute();
      expect(row).toMatchObject({ client_id: mine.clientId, matter_id: mine.matterId, state: 'active', master_version: 1, destroyed_at: null });
      const wrapped = Buffer.from(row!.wrapped_key!, 'base64');
      expect(wrapped).toHaveLength(1 + 12 + 32 + 16);
      expect(wrapped.includes(key.dataKey)).toBe(false);
      expect(row!.wrapped_key).not.toContain(key.dataKey.toString('base64'));
      // Wrapped by the master key directly (AAD: client, matter, id), not by the client key.
      const master = Buffer.from(readFileSync(instance.config.masterKey.file, 'utf8').trim(), 'base64');
      expect(unwrapKey(master, row!.wrapped_key!, objectKeyAad(mine.clientId, mine.matterId, key.id))).toHaveLength(32);
    });

    it('a destroyed object key answers KEY_DESTROYED, leaves the others alive and is audited once with the event index returned', async () => {
      const instance = await instanceWith(dialect);
      const ctx = instance.system();
      const { clientId, matterId, keys } = await objectKeysOf(ctx, 3);
      const [first, second, third] = keys as [(typeof keys)[0], (typeof keys)[0], (typeof keys)[0]];
      const result = await unsafeDestroyObjectKeys(ctx, { clientId, matterId, ids: [first.id, second.id, first.id] });
      expect(result.destroyed).toBe(2);
      await expect(unsafeObjectDataKey(ctx, clientId, first.id, 1)).rejects.toMatchObject({ code: 'KEY_DESTROYED', status: 410 });
      await expect(unsafeObjectDataKey(ctx, clientId, second.id, 1)).rejects.toMatchObject({ code: 'KEY_DESTROYED' });
      expect((await unsafeObjectDataKey(ctx, clientId, third.id, 1)).equals(third.dataKey)).toBe(true);
      const rows = await objectRows(ctx).where('id', 'in', [first.id, second.id]).execute();
      expect(rows.every((row) => row.wrapped_key === null && row.state === 'destroyed' && row.destroyed_at !== null)).toBe(true);
      const events = await instance.services.database.db.selectFrom('audit_event').select(['seq', 'client_id', 'matter_id', 'other_type', 'other_id']).where('action', '=', 'key.destroy').execute();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ client_id: clientId, matter_id: matterId, other_type: 'object_keys', other_id: '2' });
      expect(Number(events[0]!.seq)).toBe(result.eventIndex);
      // Again, or under another client or matter: nothing more is destroyed (ids of others are ignored).
      expect((await unsafeDestroyObjectKeys(ctx, { clientId, ids: [first.id] })).destroyed).toBe(0);
      expect((await unsafeDestroyObjectKeys(ctx, { clientId: newId(), ids: [third.id] })).destroyed).toBe(0);
      expect((await unsafeDestroyObjectKeys(ctx, { clientId, matterId: newId(), ids: [third.id] })).destroyed).toBe(0);
      expect((await unsafeObjectDataKey(ctx, clientId, third.id, 1)).equals(third.dataKey)).toBe(true);
      // Inside a caller's transaction: rolled back with it.
      await expect(
        inTransaction(ctx, async (tx) => {
          await unsafeDestroyObjectKeys(tx, { clientId, ids: [third.id] });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect((await unsafeObjectDataKey(ctx, clientId, third.id, 1)).equals(third.dataKey)).toBe(true);
    });

    it('a wrapped object key copied to another id, matter or client does not unwrap', async () => {
      const instance = await instanceWith(dialect);
      const ctx = instance.system();
      const { clientId, matterId, keys } = await objectKeysOf(ctx, 1);
      const [row] = await objectRows(ctx).where('id', '=', keys[0]!.id).execute();
      const otherClient = newId<ClientId>();
      await unsafeCreateClientKey(ctx, otherClient);
      const copies = [
        { ...row!, id: newId() },
        { ...row!, id: newId(), matter_id: newId() },
        { ...row!, id: newId(), client_id: otherClient },
      ];
      await tablesOf<KeysTables>(ctx.db).insertInto('keys_object_keys').values(copies).execute();
      await expect(unsafeObjectDataKey(ctx, clientId, copies[0]!.id, 1)).rejects.toBeInstanceOf(IntegrityError);
      await expect(unsafeObjectDataKey(ctx, clientId, copies[1]!.id, 1)).rejects.toBeInstanceOf(IntegrityError);
      await expect(unsafeObjectDataKey(ctx, otherClient, copies[2]!.id, 1)).rejects.toBeInstanceOf(IntegrityError);
      // Moving the original row to another matter breaks it as well.
      await tablesOf<KeysTables>(ctx.db).updateTable('keys_object_keys').set({ matter_id: newId() }).where('id', '=', row!.id).execute();
      await expect(unsafeObjectDataKey(ctx, clientId, row!.id, 1)).rejects.toBeInstanceOf(IntegrityError);
      expect(matterId).not.toBe(copies[1]!.matter_id);
    });

    it('master rotation re-wraps every live object key in its transaction: still usable, and the old master key no longer unwraps any row', async () => {
      const instance = await instanceWith(dialect);
      const ctx = instance.system();
      // More than one page of the batched re-wrap.
      const a = await objectKeysOf(ctx, 3);
      const b = await objectKeysOf(ctx, 2);
      const many = await Promise.all(Array.from({ length: 520 }, () => unsafeNewObjectKey(ctx, a.clientId, a.matterId)));
      await inTransaction(ctx, async (tx) => {
        for (const key of many) await key.persist(tx);
      });
      await unsafeDestroyObjectKeys(ctx, { clientId: b.clientId, ids: [b.keys[0]!.id] });
      const before = await objectRows(ctx).where('state', '=', 'active').execute();
      expect(before).toHaveLength(3 + 1 + 520);
      const oldMaster = Buffer.from(readFileSync(instance.config.masterKey.file, 'utf8').trim(), 'base64');
      expect(unwrapKey(oldMaster, before[0]!.wrapped_key!, objectKeyAad(before[0]!.client_id, before[0]!.matter_id, before[0]!.id))).toHaveLength(32);

      expect(await unsafeRotateMasterKey(ctx)).toEqual({ version: 2, rewrapped: 2, rewrappedObjectKeys: 524 });
      for (const key of [...a.keys, b.keys[1]!, many[0]!, many[519]!]) {
        const clientId = b.keys.includes(key) ? b.clientId : a.clientId;
        expect((await unsafeObjectDataKey(ctx, clientId, key.id, 1)).equals(key.dataKey)).toBe(true);
      }
      await expect(unsafeObjectDataKey(ctx, b.clientId, b.keys[0]!.id, 1)).rejects.toMatchObject({ code: 'KEY_DESTROYED' });
      const after = await objectRows(ctx).execute();
      const live = after.filter((row) => row.state === 'active');
      expect(live).toHaveLength(524);
      for (const row of live) {
        expect(row.master_version).toBe(2);
        expect(before.find((old) => old.id === row.id)!.wrapped_key).not.toBe(row.wrapped_key);
        expect(() => unwrapKey(oldMaster, row.wrapped_key!, objectKeyAad(row.client_id, row.matter_id, row.id))).toThrow(IntegrityError);
      }
      // The destroyed one stays destroyed (nothing re-wrapped into it).
      expect(after.find((row) => row.id === b.keys[0]!.id)).toMatchObject({ wrapped_key: null, state: 'destroyed', master_version: 1 });
      // After a restart with the new key file, they still open.
      const restarted = await restart(instance);
      expect((await unsafeObjectDataKey(systemContext(restarted, 'test'), a.clientId, a.keys[0]!.id, 1)).equals(a.keys[0]!.dataKey)).toBe(true);
    });

    it('shredding the client makes its object data keys fail and destroys its object keys; other clients keep theirs', async () => {
      const instance = await instanceWith(dialect);
      const ctx = instance.system();
      const a = await objectKeysOf(ctx, 2);
      const b = await objectKeysOf(ctx, 1);
      await unsafeRotateClientKey(ctx, a.clientId);
      const later = await unsafeNewObjectKey(ctx, a.clientId, a.matterId);
      expect(later.keyVersion).toBe(2);
      await inTransaction(ctx, (tx) => later.persist(tx));
      const shred = await unsafeShredClientKeys(ctx, a.clientId);
      expect(shred).toMatchObject({ destroyedVersions: 2 });
      const [event] = await instance.services.database.db.selectFrom('audit_event').select(['seq']).where('action', '=', 'key.shred').execute();
      expect(Number(event!.seq)).toBe(shred.eventIndex);
      for (const key of [...a.keys, later]) await expect(unsafeObjectDataKey(ctx, a.clientId, key.id, key.keyVersion)).rejects.toMatchObject({ code: 'KEY_DESTROYED', status: 410 });
      const rows = await objectRows(ctx).where('client_id', '=', a.clientId).execute();
      expect(rows.every((row) => row.state === 'destroyed' && row.wrapped_key === null)).toBe(true);
      // A key made before the shred and persisted after it is refused (no live key for a shredded client).
      const shredded = await objectKeysOf(ctx, 0);
      const stale = await unsafeNewObjectKey(ctx, shredded.clientId, shredded.matterId);
      await unsafeShredClientKeys(ctx, shredded.clientId);
      await expect(inTransaction(ctx, (tx) => stale.persist(tx))).rejects.toMatchObject({ code: 'KEY_DESTROYED' });
      expect((await unsafeObjectDataKey(ctx, b.clientId, b.keys[0]!.id, 1)).equals(b.keys[0]!.dataKey)).toBe(true);
    });
  });
});
