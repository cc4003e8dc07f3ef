/**
 * Exact-name client search over 2,000 clients (SQLite, the embedded default) with per-client blind
 * indexes (issue 12, item 9): the searched name's token is computed per client in the actor's
 * scope, with each client's own key, and compared in memory. Baseline, in the same run on the same
 * rows: the old single-token query — one firm-wide token, an indexed `name_index = ?` lookup with
 * the same scope filter, the same decryption of the hits and the same audit event — on a copy of
 * the table holding firm-wide tokens. Measured for an attorney holding a grant on every client (the
 * scope as SQL) and for a system actor (no scope filter), for a name that exists and one that does not.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { scopeFor } from '../../server/access/index.js';
import { recordEvent } from '../../server/audit/index.js';
import { findClients, createClient } from '../../server/modules/vault/index.js';
import { unsafeSealerCache } from '../../server/modules/vault/vault.sealing.js';
import type { VaultClientsTable } from '../../server/modules/vault/vault.tables.js';
import { blindIndexKey } from '../../server/modules/keys/index.js';
import type { RequestContext } from '../../server/platform/context.js';
import { blindIndex, hkdf } from '../../server/platform/crypto/key-wrap.js';
import { tablesOf } from '../../server/platform/db/database.js';
import { newId } from '../../server/platform/ids.js';
import { buildUser } from '../../server/test-support/factories.js';
import { createTestInstance } from '../../server/test-support/test-instance.js';
import { percentile, type BenchRow, type BenchScenario } from '../harness.js';

const CLIENTS = 2_000;

async function timeEach(samples: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    await fn(i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

const nameOf = (i: number) => `Bench Client ${String(i).padStart(4, '0')} Holdings`;

const scenario: BenchScenario = {
  name: 'vault-search',
  description: 'exact client-name search over 2,000 clients: per-client blind index (token per client in scope) vs the old single firm-wide token query',
  async run({ quick }) {
    const samples = quick ? 30 : 200;
    const instance = await createTestInstance('sqlite', { http: false });
    try {
      const user = await buildUser(instance, { role: 'attorney' });
      const userCtx = (): RequestContext => ({ ...instance.system('bench'), requestId: newId(), actor: { kind: 'user', userId: user.id, role: 'attorney', clientId: null, sessionId: null, tokenId: null, mfaAt: instance.clock.now() } });
      for (let i = 0; i < CLIENTS; i++) await createClient(userCtx(), { kind: 'organisation', name: nameOf(i) });
      const db = instance.services.database.db;
      const legacy = tablesOf<{ bench_legacy_clients: VaultClientsTable }>(db);

      // The old layout: the same rows with the firm-wide token, indexed.
      const firmKey = hkdf(await blindIndexKey(instance.system()), Buffer.alloc(0), 'confidant/blind-index/client-name/v1');
      await sql`create table bench_legacy_clients as select * from vault_clients`.execute(db);
      const rows = await db.selectFrom('vault_clients').select(['id', 'name_sealed', 'key_version']).execute();
      const sealers = unsafeSealerCache(instance.system());
      for (const row of rows) {
        const name = (await sealers(row.id, row.key_version)).open('vault_clients', row.id, 'name', row.name_sealed);
        await sql`update bench_legacy_clients set name_index = ${blindIndex(firmKey, name)} where id = ${row.id}`.execute(db);
      }
      await sql`create index bench_legacy_clients_name on bench_legacy_clients (name_index)`.execute(db);
      await sql`analyze`.execute(db);

      const oldSearch = async (ctx: RequestContext, name: string) => {
        const scope = await scopeFor(ctx, 'client.read');
        const token = blindIndex(hkdf(await blindIndexKey(ctx), Buffer.alloc(0), 'confidant/blind-index/client-name/v1'), name);
        let builder = legacy.selectFrom('bench_legacy_clients').selectAll().where('name_index', '=', token).orderBy('id').limit(51);
        builder = scope.apply(builder, 'bench_legacy_clients.id', 'client');
        const hits = await builder.execute();
        const open = unsafeSealerCache(ctx);
        const items = [];
        for (const hit of hits) items.push((await open(hit.id, hit.key_version)).open('vault_clients', hit.id, 'name', hit.name_sealed));
        await recordEvent(ctx, { action: 'client.search', outcome: 'allowed', resources: { other: { type: 'result_count', id: String(items.length) } } });
        return items;
      };
      const newSearch = async (ctx: RequestContext, name: string) => (await findClients(ctx, { limit: 50, after: null }, { name })).items;

      const present = (i: number) => nameOf((i * 7919) % CLIENTS);
      const absent = () => `Nobody ${randomBytes(4).toString('hex')}`;
      // Both correct before timing: one hit for a present name, none for an absent one.
      for (const ctx of [userCtx(), instance.system('bench')]) {
        if ((await newSearch(ctx, present(1))).length !== 1 || (await oldSearch(ctx, present(1))).length !== 1) throw new Error('search did not find the client');
        if ((await newSearch(ctx, absent())).length !== 0) throw new Error('search found a name nobody has');
      }

      const out: BenchRow[] = [];
      for (const [who, makeCtx] of [['attorney with a grant on each client (scope as SQL)', userCtx], ['system actor (no scope filter)', () => instance.system('bench')]] as const) {
        for (const [what, pick] of [['present name', present], ['absent name', absent]] as const) {
          // Alternate warm-up passes, then each measured on a warm cache.
          for (let i = 0; i < 5; i++) {
            await oldSearch(makeCtx(), pick(i));
            await newSearch(makeCtx(), pick(i));
          }
          const old = await timeEach(samples, (i) => oldSearch(makeCtx(), pick(i)));
          const ours = await timeEach(samples, (i) => newSearch(makeCtx(), pick(i)));
          out.push({
            metric: `POST /clients/search service call over ${CLIENTS} clients, ${who}, ${what}`,
            value: ours.p50,
            unit: 'ms p50',
            baseline: { name: 'old single firm-wide token, indexed lookup (same scope, decrypt, audit event)', value: old.p50 },
            ratio: ours.p50 / old.p50,
            note: `ratio = ours/baseline; p99 ${ours.p99.toFixed(2)} ms vs ${old.p99.toFixed(2)} ms; ${samples} samples`,
          });
        }
      }
      return out;
    } finally {
      await instance.close();
    }
  },
};

export default scenario;
