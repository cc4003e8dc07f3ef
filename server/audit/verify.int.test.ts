import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { UserId } from '../../common/ids.js';
import type { AnyDb } from '../platform/db/database.js';
import { DIALECTS, type Dialect } from '../test-support/dialects.js';
import { createTestInstance, type TestInstance } from '../test-support/test-instance.js';
import type { AuditEventRow } from './audit.tables.js';
import { createCheckpoint } from './checkpoints.js';
import { listAlerts } from './alerts.js';
import { recordEvent } from './index.js';
import { canonicalLeafBytes } from './leaf.js';
import { STORED_NODE_LEVEL } from './log.js';
import { CompactTree, hashLeaf } from './merkle.js';
import { runScheduledVerification, verificationStatus } from './verification-job.js';
import { verifyLog } from './verify.js';

const TABLES = ['audit_event', 'audit_node', 'audit_checkpoint'] as const;

/** The attacker with database access: switch the append-only triggers off. */
async function dropTriggers(instance: TestInstance): Promise<void> {
  const db = instance.services.database.db;
  if (instance.dialect === 'postgres') {
    for (const table of TABLES) await sql`alter table ${sql.table(table)} disable trigger user`.execute(db);
  } else {
    for (const table of ['audit_event', 'audit_node']) for (const verb of ['update', 'delete']) await sql`drop trigger ${sql.raw(`${table}_no_${verb}`)}`.execute(db);
    for (const verb of ['update', 'delete']) await sql`drop trigger ${sql.raw(`audit_checkpoint_no_${verb}`)}`.execute(db);
  }
}

async function rows(db: AnyDb): Promise<AuditEventRow[]> {
  return ((await db.selectFrom('audit_event').selectAll().orderBy('seq').execute()) as AuditEventRow[]).map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at) }));
}

/** Rewrites event `seq` with matching leaf, leaf hash, nodes and tree state: only signatures can tell. */
async function rewriteConsistently(instance: TestInstance, seq: number, action: string): Promise<void> {
  const db = instance.services.database.db;
  await dropTriggers(instance);
  const all = await rows(db);
  const target = all[seq]!;
  const leaf = canonicalLeafBytes({ ...target, action });
  await db.updateTable('audit_event').set({ action, leaf, leaf_hash: hashLeaf(leaf) }).where('seq', '=', seq).execute();
  all[seq] = { ...target, action, leaf, leaf_hash: hashLeaf(leaf) };
  await db.deleteFrom('audit_node').execute();
  await db.deleteFrom('audit_checkpoint').execute();
  const tree = new CompactTree();
  for (const row of all) {
    for (const node of tree.append(hashLeaf(row.leaf))) {
      if (node.level >= STORED_NODE_LEVEL) await db.insertInto('audit_node').values({ level: node.level, idx: node.index, hash: node.hash }).execute();
    }
  }
  await db.updateTable('audit_tree_state').set({ size: tree.size, frontier: tree.toBytes(), root: tree.root() }).where('id', '=', 1).execute();
}

async function seeded(dialect: Dialect, events = 300): Promise<TestInstance> {
  const instance = await createTestInstance(dialect, { http: false });
  const ctx = {
    ...instance.system(),
    actor: { kind: 'user' as const, userId: 'u-1' as UserId, role: 'attorney' as const, clientId: null, sessionId: 's', tokenId: null, mfaAt: null },
  };
  await Promise.all(Array.from({ length: events - 20 }, (_, i) => recordEvent(ctx, { action: 'document.read', outcome: 'allowed', resources: { documentId: `d-${i}` } })));
  await createCheckpoint(instance.services);
  await Promise.all(Array.from({ length: 20 }, () => recordEvent(ctx, { action: 'matter.read', outcome: 'allowed' })));
  return instance;
}

describe.each(DIALECTS)('audit verification on %s', (dialect) => {
  let instance: TestInstance | null = null;
  afterEach(async () => {
    await instance?.close();
    instance = null;
  });

  it('passes on an untouched log, recomputing every event, node and checkpoint', async () => {
    instance = await seeded(dialect);
    const report = await verifyLog(instance.services);
    expect(report).toMatchObject({ ok: true, firstBadIndex: null, problems: [] });
    // +1: the init checkpoint of the empty tree.
    expect(report.events).toBe(300);
    expect(report.checkpointsChecked).toBe(2);
    expect(report.nodesChecked).toBeGreaterThan(0);
  });

  it('passes with unusual but legitimate field values (quotes, backslashes, non-ASCII, newlines)', async () => {
    instance = await seeded(dialect, 25);
    const ctx = { ...instance.system(), userAgent: 'Mozilla/5.0 "quoted" \\ back\\slash — ünïcödé 🔐', ip: '2001:db8::1' };
    await recordEvent(ctx, { action: 'disclosure.approve', outcome: 'allowed', purpose: 'Court order\nline two\t"quoted"', resources: { other: { type: 'disclosure', id: 'x:1' } } });
    const report = await verifyLog(instance.services);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('reports an event altered behind the app’s back at its index', async () => {
    instance = await seeded(dialect);
    await dropTriggers(instance);
    await instance.services.database.db.updateTable('audit_event').set({ matter_id: 'm-other' }).where('seq', '=', 123).execute();
    const report = await verifyLog(instance.services);
    expect(report.ok).toBe(false);
    expect(report.firstBadIndex).toBe(123);
  });

  it('reports altered leaf bytes at their index', async () => {
    instance = await seeded(dialect);
    await dropTriggers(instance);
    await instance.services.database.db.updateTable('audit_event').set({ leaf: Buffer.from('{"forged":true}') }).where('seq', '=', 77).execute();
    const report = await verifyLog(instance.services);
    expect(report.firstBadIndex).toBe(77);
  });

  it('reports a removed event at its index', async () => {
    instance = await seeded(dialect);
    await dropTriggers(instance);
    await instance.services.database.db.deleteFrom('audit_event').where('seq', '=', 50).execute();
    const report = await verifyLog(instance.services);
    expect(report.ok).toBe(false);
    expect(report.firstBadIndex).toBe(50);
  });

  it('reports events removed from the end of the log (truncation)', async () => {
    instance = await seeded(dialect);
    await dropTriggers(instance);
    await instance.services.database.db.deleteFrom('audit_event').where('seq', '>=', 290).execute();
    const report = await verifyLog(instance.services);
    expect(report.ok).toBe(false);
    expect(report.firstBadIndex).toBe(290);
  });

  it('reports reordered events at the first moved index', async () => {
    instance = await seeded(dialect);
    await dropTriggers(instance);
    const db = instance.services.database.db;
    await db.updateTable('audit_event').set({ seq: -1 }).where('seq', '=', 10).execute();
    await db.updateTable('audit_event').set({ seq: 10 }).where('seq', '=', 11).execute();
    await db.updateTable('audit_event').set({ seq: 11 }).where('seq', '=', -1).execute();
    const report = await verifyLog(instance.services);
    expect(report.firstBadIndex).toBe(10);
  });

  it('reports an inserted event: in the middle at its index, at the end as beyond the tree', async () => {
    instance = await seeded(dialect);
    await dropTriggers(instance);
    const db = instance.services.database.db;
    const all = await rows(db);
    // Shift everything from 40 up by one and slip a forged event in (well-formed leaf and hash).
    await db.updateTable('audit_event').set({ seq: sql`seq + 1000000` }).where('seq', '>=', 40).execute();
    await db.updateTable('audit_event').set({ seq: sql`seq - 999999` }).where('seq', '>=', 1000000).execute();
    const forged = { ...all[40]!, seq: 40, action: 'document.delete' };
    const leaf = canonicalLeafBytes(forged);
    await db.insertInto('audit_event').values({ ...forged, leaf, leaf_hash: hashLeaf(leaf) }).execute();
    expect((await verifyLog(instance.services)).firstBadIndex).toBe(40);
  });

  it('reports an event appended at the end behind the app’s back', async () => {
    instance = await seeded(dialect);
    const db = instance.services.database.db;
    const all = await rows(db);
    const forged = { ...all[all.length - 1]!, seq: all.length };
    const leaf = canonicalLeafBytes(forged);
    // No trigger needs dropping: INSERT is allowed; only the tree state knows it is not ours.
    await db.insertInto('audit_event').values({ ...forged, leaf, leaf_hash: hashLeaf(leaf) }).execute();
    const report = await verifyLog(instance.services);
    expect(report.ok).toBe(false);
    expect(report.firstBadIndex).toBe(all.length);
  });

  it('catches a consistent rewrite of the whole database with a checkpoint kept outside, via the CLI', async () => {
    instance = await seeded(dialect);
    const outside = join(instance.config.dataDir, 'kept-elsewhere.checkpoint');
    writeFileSync(outside, (await createCheckpoint(instance.services)).note);
    await rewriteConsistently(instance, 5, 'document.write');
    // With stored checkpoints deleted and every hash recomputed, the database agrees with itself…
    expect((await verifyLog(instance.services)).ok).toBe(true);
    // …but not with the signed checkpoint kept elsewhere.
    const report = await verifyLog(instance.services, { externalCheckpoint: (await import('node:fs')).readFileSync(outside, 'utf8') });
    expect(report.ok).toBe(false);
    expect(report.firstBadIndex).toBe(0);

    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), readStdin: async () => '' };
    const saved = { ...process.env };
    process.env.CONFIDANT_DATA_DIR = instance.config.dataDir;
    process.env.DATABASE_URL = instance.config.database.url;
    process.env.LOG_LEVEL = 'silent';
    try {
      expect(await main(['node', 'confidant', 'audit', 'verify'], io)).toBe(0);
      expect(await main(['node', 'confidant', 'audit', 'verify', '--since-checkpoint', outside], io)).toBe(1);
      expect(out.join('\n')).toContain('First bad index: 0');
      // A checkpoint signed by another key is refused.
      writeFileSync(outside, (await readForeignCheckpoint(dialect)) ?? 'not a note');
      expect(await main(['node', 'confidant', 'audit', 'verify', '--since-checkpoint', outside], io)).toBe(1);
      expect(out.join('\n')).toContain('no valid signature');
    } finally {
      process.env = saved;
    }
  });

  it('scheduled verification records its result and raises a critical alert on failure', async () => {
    instance = await seeded(dialect, 40);
    await runScheduledVerification(instance.services);
    expect((await verificationStatus(instance.services)).report?.ok).toBe(true);
    await dropTriggers(instance);
    await instance.services.database.db.updateTable('audit_event').set({ outcome: 'denied' }).where('seq', '=', 3).execute();
    await runScheduledVerification(instance.services);
    const status = await verificationStatus(instance.services);
    expect(status.report).toMatchObject({ ok: false, firstBadIndex: 3 });
    const alerts = await listAlerts(instance.system(), { limit: 10 });
    expect(alerts[0]).toMatchObject({ rule: 'verification_failed', severity: 'critical', firstIndex: 3, status: 'open' });
  });

  it('exports every event with its exact leaf bytes and the checkpoints (CLI)', async () => {
    instance = await seeded(dialect, 30);
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: () => undefined, readStdin: async () => '' };
    const saved = { ...process.env };
    process.env.CONFIDANT_DATA_DIR = instance.config.dataDir;
    process.env.DATABASE_URL = instance.config.database.url;
    process.env.LOG_LEVEL = 'silent';
    try {
      expect(await main(['node', 'confidant', 'audit', 'export'], io)).toBe(0);
    } finally {
      process.env = saved;
    }
    const lines = out.map((l) => JSON.parse(l) as { type: string; index?: number; leaf?: string; size?: number; root?: string });
    const events = lines.filter((l) => l.type === 'event');
    expect(events).toHaveLength(30);
    const tree = new CompactTree();
    for (const e of events) tree.append(hashLeaf(Buffer.from(e.leaf!, 'base64')));
    const checkpoint = lines.filter((l) => l.type === 'checkpoint').find((c) => c.size === 10);
    const partial = new CompactTree();
    for (const e of events.slice(0, 10)) partial.append(hashLeaf(Buffer.from(e.leaf!, 'base64')));
    expect(checkpoint?.root).toBe(partial.root().toString('base64'));
  });
});

/** A checkpoint note signed by a different instance's key. */
async function readForeignCheckpoint(dialect: Dialect): Promise<string | null> {
  const other = await createTestInstance(dialect, { http: false });
  try {
    return (await createCheckpoint(other.services)).note;
  } finally {
    await other.close();
  }
}
