import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserId } from '../../common/ids.js';
import { inTransaction, type RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { DIALECTS } from '../test-support/dialects.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import { createCheckpoint } from './checkpoints.js';
import { recordEvent } from './index.js';
import { decodeLeaf } from './leaf.js';
import { readTreeHead, TreeReader } from './log.js';
import { hashLeaf, rootFromLeafHashes, verifyConsistency, verifyInclusion } from './merkle.js';
import { consistencyProof, inclusionProof } from './queries.js';
import { loadSigningKey, openCheckpoint } from './signing.js';

function userContext(instance: TestInstance, userId = 'u-1'): RequestContext {
  return {
    ...instance.system(),
    actor: { kind: 'user', userId: userId as UserId, role: 'attorney', clientId: null, sessionId: 's-1', tokenId: null, mfaAt: null },
    requestId: 'req-1',
    ip: '127.0.0.1',
    userAgent: 'test-agent',
  };
}

async function allLeafHashes(instance: TestInstance): Promise<Buffer[]> {
  const rows = await instance.services.database.db.selectFrom('audit_event').select(['seq', 'leaf']).orderBy('seq').execute();
  return (rows as { leaf: Uint8Array }[]).map((r) => hashLeaf(r.leaf));
}

describe.each(DIALECTS)('audit log on %s', (dialect) => {
  let instance: TestInstance;
  beforeAll(async () => {
    instance = await createTestInstance(dialect);
  });
  afterAll(async () => instance?.close());

  it('appends gapless events with actor and request from the context, and canonical leaves', async () => {
    const ctx = userContext(instance);
    const before = (await readTreeHead(instance.services.database.db)).size;
    const first = await recordEvent(ctx, { action: 'document.read', outcome: 'allowed', resources: { clientId: 'c-1', matterId: 'm-1', documentId: 'd-1' } });
    const second = await recordEvent(ctx, { action: 'matter.read', outcome: 'denied', reason: 'WALL', resources: { matterId: 'm-2' } });
    expect(first.index).toBe(before);
    expect(second.index).toBe(before + 1);
    const row = (await instance.services.database.db.selectFrom('audit_event').selectAll().where('seq', '=', first.index).executeTakeFirstOrThrow()) as {
      leaf: Uint8Array;
      actor_id: string;
    };
    expect(row.actor_id).toBe('u-1');
    expect(decodeLeaf(row.leaf)).toEqual({
      v: 1, index: first.index, at: instance.clock.now(), actorType: 'user', actorId: 'u-1', sessionId: 's-1', requestId: 'req-1', ip: '127.0.0.1', userAgent: 'test-agent',
      action: 'document.read', outcome: 'allowed', clientId: 'c-1', matterId: 'm-1', documentId: 'd-1',
    });
    const head = await readTreeHead(instance.services.database.db);
    expect(head.size).toBe(before + 2);
    expect(head.root.equals(rootFromLeafHashes(await allLeafHashes(instance)))).toBe(true);
  });

  it('keeps the sequence gapless under concurrent appends (group commit) and transactions', async () => {
    const ctx = userContext(instance);
    const start = (await readTreeHead(instance.services.database.db)).size;
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => recordEvent(ctx, { action: 'document.read', outcome: 'allowed', resources: { documentId: `d-${i}` } })));
    const indexes = results.map((r) => r.index).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: 300 }, (_, i) => start + i));
    const inTx = await inTransaction(ctx, async (trx) => [await recordEvent(trx, { action: 'matter.update', outcome: 'allowed' }), await recordEvent(trx, { action: 'matter.update', outcome: 'allowed' })]);
    expect(inTx.map((r) => r.index)).toEqual([start + 300, start + 301]);
    const head = await readTreeHead(instance.services.database.db);
    expect(head.root.equals(rootFromLeafHashes(await allLeafHashes(instance)))).toBe(true);
  });

  it('keeps the sequence gapless with many concurrent writing transactions (row lock on PostgreSQL)', async () => {
    const start = (await readTreeHead(instance.services.database.db)).size;
    const batches = await Promise.all(
      Array.from({ length: 12 }, (_, t) =>
        inTransaction(userContext(instance, `u-tx-${t}`), async (trx) => {
          const indexes: number[] = [];
          for (let i = 0; i < 5; i++) indexes.push((await recordEvent(trx, { action: 'matter.update', outcome: 'allowed' })).index);
          return indexes;
        }),
      ),
    );
    // Each transaction's events are contiguous, and together they fill the range with no gap.
    for (const indexes of batches) expect(indexes).toEqual(Array.from({ length: 5 }, (_, i) => indexes[0]! + i));
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => start + i));
    const head = await readTreeHead(instance.services.database.db);
    expect(head.root.equals(rootFromLeafHashes(await allLeafHashes(instance)))).toBe(true);
  });

  it('appends each new checkpoint to the witness file', async () => {
    const witnessFile = join(instance.config.dataDir, 'witness.txt');
    instance.services.config.audit.witnessFile = witnessFile;
    try {
      await recordEvent(userContext(instance), { action: 'document.read', outcome: 'allowed' });
      const checkpoint = await createCheckpoint(instance.services);
      expect(readFileSync(witnessFile, 'utf8')).toContain(checkpoint.note);
    } finally {
      instance.services.config.audit.witnessFile = null;
    }
  });

  it('writes nothing when the caller’s transaction rolls back (the event belongs to the change)', async () => {
    const ctx = userContext(instance);
    const before = await readTreeHead(instance.services.database.db);
    await expect(
      inTransaction(ctx, async (trx) => {
        await recordEvent(trx, { action: 'matter.update', outcome: 'allowed' });
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    const after = await readTreeHead(instance.services.database.db);
    expect(after.size).toBe(before.size);
    expect(after.root.equals(before.root)).toBe(true);
  });

  it('refuses UPDATE, DELETE of events, nodes and checkpoints at the database', async () => {
    const db = instance.services.database.db;
    await recordEvent(userContext(instance), { action: 'document.read', outcome: 'allowed' });
    await createCheckpoint(instance.services);
    await expect(db.updateTable('audit_event').set({ action: 'forged' }).where('seq', '=', 0).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_event').where('seq', '=', 0).execute()).rejects.toThrow(/append-only/);
    await expect(db.updateTable('audit_checkpoint').set({ note: 'x' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_checkpoint').execute()).rejects.toThrow(/append-only/);
    if (dialect === 'postgres') await expect(sql`truncate audit_event`.execute(db)).rejects.toThrow(/append-only/);
  });

  it('fails closed with AUDIT_UNAVAILABLE when the event cannot be written', async () => {
    const ctx = userContext(instance);
    // A malformed event (free text where a code belongs) is refused, not silently written.
    await expect(recordEvent(ctx, { action: 'Document Read!', outcome: 'allowed' })).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    await expect(recordEvent(ctx, { action: 'document.read', outcome: 'allowed', resources: { clientId: 'Jane Doe <jane@example.com>' } })).rejects.toBeInstanceOf(AppError);
    // A broken store: the state row locked away by a failing statement inside the transaction.
    await expect(
      inTransaction(ctx, async (trx) => {
        await sql`drop table audit_tree_state`.execute(trx.db);
        await recordEvent(trx, { action: 'document.read', outcome: 'allowed' });
      }),
    ).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    // The rollback restored the table; appends work again.
    expect((await recordEvent(ctx, { action: 'document.read', outcome: 'allowed' })).index).toBeGreaterThan(0);
  });

  it('serves inclusion and consistency proofs that verify against signed checkpoints, across stored nodes', async () => {
    const ctx = userContext(instance);
    // Cross several 256-leaf blocks so proofs use stored interior nodes.
    await Promise.all(Array.from({ length: 700 }, (_, i) => recordEvent(ctx, { action: 'document.read', outcome: 'allowed', resources: { documentId: `bulk-${i}` } })));
    const early = await createCheckpoint(instance.services);
    await Promise.all(Array.from({ length: 333 }, () => recordEvent(ctx, { action: 'matter.read', outcome: 'allowed' })));
    const late = await createCheckpoint(instance.services);
    expect(late.size).toBeGreaterThan(early.size);
    const key = loadSigningKey(instance.config.dataDir);
    const opened = openCheckpoint(late.note, key);
    expect(opened.size).toBe(late.size);
    const hashes = await allLeafHashes(instance);
    expect(opened.root.equals(rootFromLeafHashes(hashes))).toBe(true);
    for (const index of [0, 1, 255, 256, 511, 700, late.size - 1]) {
      const proof = await inclusionProof(ctx, index, late.size);
      const decoded = proof.proof.map((p) => Buffer.from(p, 'base64'));
      expect(verifyInclusion(hashes[index]!, index, late.size, decoded, opened.root)).toBe(true);
      expect(verifyInclusion(hashLeaf(Buffer.from('forged')), index, late.size, decoded, opened.root)).toBe(false);
    }
    // Historical tree sizes: proofs into the early checkpoint too.
    const historical = await inclusionProof(ctx, 5, early.size);
    expect(Buffer.from(historical.rootHash, 'base64').equals(early.root)).toBe(true);
    const consistency = await consistencyProof(ctx, early.size, late.size);
    expect(verifyConsistency(early.size, late.size, consistency.proof.map((p) => Buffer.from(p, 'base64')), early.root, late.root)).toBe(true);
    const reader = new TreeReader(instance.services.database.db);
    expect((await reader.rootAt(517)).equals(rootFromLeafHashes(hashes, 0, 517))).toBe(true);
    await expect(inclusionProof(ctx, late.size + 10_000)).rejects.toMatchObject({ code: 'AUDIT_RANGE_INVALID' });
    await expect(consistencyProof(ctx, 0, late.size)).rejects.toMatchObject({ code: 'AUDIT_RANGE_INVALID' });
  });
});
