/**
 * A client's portal contact at the choke point: 2k clients, 10k matters, 40k documents, 2k
 * contacts (a quarter limited to one matter), 20k documents shared with them. Measures, per call,
 * `canAccess(contact, 'portal.read', document)` — the decision plus the portal's reach (the
 * contact row, then whether the document is shown to them) — against, in the same run, the staff
 * decision on the same documents (`document.read` by a team member, facts cached) and one indexed
 * better-sqlite3 lookup of the share row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientId, UserId } from '../../common/ids.js';
import type { FirmRole } from '../../common/roles.js';
import { canAccess, clearAccessCaches } from '../../server/access/index.js';
import { testConfig } from '../../server/config.js';
import { composeModules } from '../../server/modules/registry.js';
import type { AppServices, RequestContext } from '../../server/platform/context.js';
import { systemContext } from '../../server/platform/context.js';
import { migrateToLatest } from '../../server/platform/db/migrate.js';
import { newId } from '../../server/platform/ids.js';
import { createLogger } from '../../server/platform/logging/logger.js';
import { closeServices, createServices } from '../../server/platform/services.js';
import { timeEach, type BenchRow, type BenchScenario } from '../harness.js';

function actorCtx(services: AppServices, userId: string, role: FirmRole, clientId: string | null): RequestContext {
  return { ...systemContext(services, 'bench'), requestId: newId(), actor: { kind: 'user', userId: userId as UserId, role, clientId: clientId as ClientId | null, sessionId: null, tokenId: null, mfaAt: 1 } };
}

const scenario: BenchScenario = {
  name: 'portal-reach',
  description: "a client contact's decision on a shared document (choke point + portal reach) vs the staff decision and an indexed lookup",
  async run({ quick }) {
    const CLIENTS = 2_000;
    const MATTERS_PER_CLIENT = 5;
    const DOCS_PER_MATTER = 4;
    const samples = quick ? 3_000 : 20_000;
    const dir = mkdtempSync(join(tmpdir(), 'confidant-bench-portal-'));
    const services = createServices(testConfig(dir), { logger: createLogger({ logLevel: 'silent' }) });
    try {
      await migrateToLatest(services.database);
      composeModules(services);
      const sqlite = services.database.sqlite!;
      sqlite.pragma('foreign_keys = OFF');
      const now = Date.now();
      const lawyer = newId();
      const docs: { id: string; clientId: string; contact: string; lead: string }[] = [];
      const seed = sqlite.transaction(() => {
        const insClient = sqlite.prepare('insert into access_clients (client_id, created_by, created_at) values (?, ?, ?)');
        const insMatter = sqlite.prepare('insert into access_matters (matter_id, client_id, created_at) values (?, ?, ?)');
        const insTeam = sqlite.prepare("insert into access_team_members (matter_id, user_id, role, added_at, added_by, expires_at) values (?, ?, 'lead_attorney', ?, ?, null)");
        const insDoc = sqlite.prepare("insert into vault_documents (id, matter_id, client_id, key_version, name_sealed, classification, privileged, legal_hold, current_version, created_by, created_at, updated_at, trashed_at, trashed_by) values (?, ?, ?, 1, 'x', 'confidential', 0, 0, 1, ?, ?, ?, null, null)");
        const insContact = sqlite.prepare("insert into portal_contacts (user_id, client_id, matter_scope, matter_ids, status, invited_by, invited_at, activated_at, disabled_by, disabled_at) values (?, ?, ?, ?, 'active', ?, ?, ?, null, null)");
        const insShare = sqlite.prepare('insert into portal_shared_documents (id, document_id, client_id, matter_id, contact_id, shared_by, shared_at, revoked_by, revoked_at) values (?, ?, ?, ?, ?, ?, ?, null, null)');
        for (let c = 0; c < CLIENTS; c++) {
          const clientId = newId();
          const lead = c % 50 === 0 ? lawyer : newId();
          insClient.run(clientId, lead, now);
          const matterIds: string[] = [];
          for (let m = 0; m < MATTERS_PER_CLIENT; m++) {
            const matterId = newId();
            matterIds.push(matterId);
            insMatter.run(matterId, clientId, now);
            insTeam.run(matterId, lead, now, lead);
          }
          const contact = newId();
          const limited = c % 4 === 0;
          insContact.run(contact, clientId, limited ? 'listed' : 'all', JSON.stringify(limited ? [matterIds[0]] : []), lead, now, now);
          for (const [m, matterId] of matterIds.entries()) {
            for (let d = 0; d < DOCS_PER_MATTER; d++) {
              const id = newId();
              insDoc.run(id, matterId, clientId, lead, now, now);
              // Half the documents of the contact's first matter are shared with them.
              if (m === 0 && d % 2 === 0) {
                insShare.run(newId(), id, clientId, matterId, contact, lead, now);
                docs.push({ id, clientId, contact, lead });
              }
            }
          }
        }
      });
      seed();
      sqlite.exec('analyze');

      const picks = Array.from({ length: samples }, (_, i) => docs[(i * 7919) % docs.length]!);
      const contactCtx = new Map<string, RequestContext>();
      const staffCtx = new Map<string, RequestContext>();
      for (const d of docs) {
        if (!contactCtx.has(d.contact)) contactCtx.set(d.contact, actorCtx(services, d.contact, 'client', d.clientId));
        if (!staffCtx.has(d.lead)) staffCtx.set(d.lead, actorCtx(services, d.lead, 'attorney', null));
      }
      // Warm both paths once (a running server's steady state).
      for (const d of picks.slice(0, 500)) {
        await canAccess(contactCtx.get(d.contact)!, 'portal.read', { kind: 'object', type: 'document', id: d.id });
        await canAccess(staffCtx.get(d.lead)!, 'document.read', { kind: 'object', type: 'document', id: d.id });
      }
      let allowed = 0;
      const contact = await timeEach(samples, async (i) => {
        const d = picks[i]!;
        if (await canAccess(contactCtx.get(d.contact)!, 'portal.read', { kind: 'object', type: 'document', id: d.id })) allowed++;
      });
      const staff = await timeEach(samples, async (i) => {
        const d = picks[i]!;
        await canAccess(staffCtx.get(d.lead)!, 'document.read', { kind: 'object', type: 'document', id: d.id });
      });
      const lookup = sqlite.prepare('select id from portal_shared_documents where document_id = ? and contact_id = ? and revoked_at is null');
      const raw = await timeEach(samples, (i) => lookup.get(picks[i]!.id, picks[i]!.contact));
      // Another contact's shared document: refused (the same decision work, answered no).
      let refused = 0;
      for (let i = 0; i < 200; i++) {
        const d = picks[i]!;
        const other = picks[(i + 1) % picks.length]!;
        if (other.contact !== d.contact && !(await canAccess(contactCtx.get(d.contact)!, 'portal.read', { kind: 'object', type: 'document', id: other.id }))) refused++;
      }
      const rows: BenchRow[] = [
        {
          metric: "contact's decision on a shared document (choke point + portal reach)",
          value: contact.p99,
          unit: 'µs p99',
          baseline: { name: "staff decision on the same documents (team seat, cached facts)", value: staff.p99 },
          ratio: contact.p99 / staff.p99,
          note: `p50 ${contact.p50.toFixed(1)} µs (staff p50 ${staff.p50.toFixed(1)}); ${allowed}/${samples} allowed; ratio = ours/baseline`,
        },
        {
          metric: "contact's decision vs one indexed share lookup",
          value: contact.p99,
          unit: 'µs p99',
          baseline: { name: 'indexed SQLite share lookup (better-sqlite3, sync)', value: raw.p99 },
          ratio: contact.p99 / raw.p99,
          target: 'p99 ≤ 200 µs',
          note: `${refused}/200 other contacts' documents refused`,
        },
      ];
      return rows;
    } finally {
      clearAccessCaches();
      await closeServices(services);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default scenario;
