/**
 * The legal-hold check every vault edit and delete makes inside its transaction (the retention
 * module's `heldItems`), and the run's computation of what is due. 2k clients, 10k matters, 40k
 * documents; 1k active holds spread over 200 clients (up to 10 stacked on one client, of every
 * scope). Measures, per call, `heldItems` for one document against, in the same run, one indexed
 * better-sqlite3 lookup of the document row (the least an edit reads anyway); and `computeDue`
 * over the whole firm against reading the same facts (the vault's one query per table).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testConfig } from '../../server/config.js';
import { composeModules } from '../../server/modules/registry.js';
import { computeDue } from '../../server/modules/retention/index.js';
import { heldItems } from '../../server/modules/retention/holds.service.js';
import { unsafeRetentionFacts } from '../../server/modules/vault/index.js';
import { systemContext } from '../../server/platform/context.js';
import { migrateToLatest } from '../../server/platform/db/migrate.js';
import { newId } from '../../server/platform/ids.js';
import { createLogger } from '../../server/platform/logging/logger.js';
import { closeServices, createServices } from '../../server/platform/services.js';
import { timeEach, type BenchRow, type BenchScenario } from '../harness.js';

const scenario: BenchScenario = {
  name: 'retention-holds',
  description: 'the legal-hold check inside every vault write, and what-is-due over the firm, vs indexed lookups of the same rows',
  async run({ quick }) {
    const CLIENTS = 2_000;
    const MATTERS_PER_CLIENT = 5;
    const DOCS_PER_MATTER = 4;
    const samples = quick ? 3_000 : 20_000;
    const dir = mkdtempSync(join(tmpdir(), 'confidant-bench-holds-'));
    const services = createServices(testConfig(dir), { logger: createLogger({ logLevel: 'silent' }) });
    try {
      await migrateToLatest(services.database);
      composeModules(services);
      const sqlite = services.database.sqlite!;
      sqlite.pragma('foreign_keys = OFF');
      const now = Date.now();
      const docs: { id: string; clientId: string; matterId: string; createdBy: string }[] = [];
      const seed = sqlite.transaction(() => {
        const insClient = sqlite.prepare("insert into vault_clients (id, kind, status, key_version, name_sealed, name_index, name_index_key_version, details_sealed, conflict_index, conflict_index_key_version, number, created_by, created_at, updated_at) values (?, 'organisation', 'active', 1, 'x', '', 1, 'x', '', 1, ?, 'u', ?, ?)");
        const insMatter = sqlite.prepare("insert into vault_matters (id, client_id, number, key_version, title_sealed, title_index, title_index_key_version, practice_area, jurisdiction, status, opened_at, closed_at, lead_user_id, description_sealed, close_reason_sealed, closed_by, created_at, updated_at) values (?, ?, ?, 1, 'x', '', 1, ?, 'England', ?, ?, ?, 'u', null, null, null, ?, ?)");
        const insDoc = sqlite.prepare("insert into vault_documents (id, matter_id, client_id, key_version, name_sealed, classification, privileged, legal_hold, current_version, created_by, created_at, updated_at, trashed_at, trashed_by) values (?, ?, ?, 1, 'x', 'confidential', 0, 0, 1, ?, ?, ?, null, null)");
        const insHold = sqlite.prepare("insert into retention_holds (id, client_id, matter_id, scope, custodian_user_id, key_version, name_sealed, reason_sealed, created_by, created_at, released_at, released_by, release_reason_sealed) values (?, ?, ?, ?, ?, 1, 'x', 'x', 'u', ?, null, null, null)");
        const insHoldDoc = sqlite.prepare('insert into retention_hold_documents (hold_id, document_id) values (?, ?)');
        const insSchedule = sqlite.prepare("insert into retention_schedules (id, name, practice_area, jurisdiction, trigger, fixed_date, period_days, action, status, created_by, created_at, updated_at) values (?, ?, ?, null, 'matter_closed', null, ?, 'review', 'active', 'u', ?, ?)");
        for (const [i, area] of ['litigation', 'family', 'property', null].entries()) insSchedule.run(newId(), `Schedule ${i}`, area, 365 * (i + 1), now, now);
        for (let c = 0; c < CLIENTS; c++) {
          const clientId = newId();
          insClient.run(clientId, c + 1, now, now);
          const author = newId();
          for (let m = 0; m < MATTERS_PER_CLIENT; m++) {
            const matterId = newId();
            const closed = m % 2 === 0;
            insMatter.run(matterId, clientId, `2020-${c}-${m}`, ['litigation', 'family', 'property', 'tax'][m % 4], closed ? 'closed' : 'open', now - 3e11, closed ? now - 2e11 : null, now, now);
            for (let d = 0; d < DOCS_PER_MATTER; d++) {
              const id = newId();
              insDoc.run(id, matterId, clientId, author, now, now);
              docs.push({ id, clientId, matterId, createdBy: author });
            }
            // 200 clients carry holds: one of each scope, stacked (1,000 in all).
            if (c % 10 === 0 && m === 0) {
              insHold.run(newId(), clientId, matterId, 'matter', null, now);
              insHold.run(newId(), clientId, null, 'custodian', newId(), now);
              insHold.run(newId(), clientId, matterId, 'custodian', author, now);
              const set = newId();
              insHold.run(set, clientId, matterId, 'documents', null, now);
              insHoldDoc.run(set, docs[docs.length - 1]!.id);
              insHold.run(newId(), clientId, matterId, 'matter', null, now);
            }
          }
        }
      });
      seed();
      sqlite.exec('analyze');
      const ctx = systemContext(services, 'bench');
      const picks = Array.from({ length: samples }, (_, i) => docs[(i * 7919) % docs.length]!);
      for (const d of picks.slice(0, 500)) await heldItems(ctx, { clientId: d.clientId, matterId: d.matterId }, [{ type: 'document', id: d.id, custodianId: d.createdBy }]);
      let held = 0;
      const check = await timeEach(samples, async (i) => {
        const d = picks[i]!;
        if ((await heldItems(ctx, { clientId: d.clientId, matterId: d.matterId }, [{ type: 'document', id: d.id, custodianId: d.createdBy }])).size > 0) held++;
      });
      const lookup = sqlite.prepare('select id, legal_hold, trashed_at from vault_documents where id = ?');
      const raw = await timeEach(samples, (i) => lookup.get(picks[i]!.id));
      const runs = quick ? 3 : 10;
      const due = await timeEach(runs, () => computeDue(ctx, now));
      const facts = await timeEach(runs, () => unsafeRetentionFacts(ctx));
      const items = (await computeDue(ctx, now)).length;
      const rows: BenchRow[] = [
        {
          metric: 'legal-hold check of one document inside a vault write (heldItems)',
          value: check.p99,
          unit: 'µs p99',
          baseline: { name: 'indexed SQLite read of the document row (better-sqlite3, sync)', value: raw.p99 },
          ratio: check.p99 / raw.p99,
          note: `p50 ${check.p50.toFixed(1)} µs (baseline p50 ${raw.p50.toFixed(1)}); ${held}/${samples} held; ratio = ours/baseline`,
        },
        {
          metric: 'what is due over the firm (computeDue: 10k matters, 4 schedules)',
          value: due.p50 / 1000,
          unit: 'ms p50',
          baseline: { name: 'reading the same facts (unsafeRetentionFacts)', value: facts.p50 / 1000 },
          ratio: due.p50 / facts.p50,
          note: `${items} items due; ratio = ours/baseline`,
        },
      ];
      return rows;
    } finally {
      await closeServices(services);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default scenario;
