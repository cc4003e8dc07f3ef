/**
 * A stand-in for the audit module in access's own tests: keeps every event in memory and also
 * writes it through `ctx.db` into a probe table, so a test can tell whether an event was
 * committed, rolled back with the caller's transaction, or deadlocked SQLite's only connection.
 */
import { sql } from 'kysely';
import type { AuditEventInput } from '../audit/index.js';
import type { RequestContext } from '../platform/context.js';
import type { ConfidantModule } from '../platform/module.js';

export const recorded: (AuditEventInput & { actorUserId: string | null })[] = [];

let probeTable = false;

export async function createProbeTable(ctx: RequestContext): Promise<void> {
  probeTable = true;
  await sql`create table if not exists test_audit_probe (action varchar(60) not null, outcome varchar(10) not null, reason varchar(40), matter_id varchar(36))`.execute(ctx.db);
}

export async function recordEvent(ctx: RequestContext, event: AuditEventInput): Promise<{ index: number }> {
  recorded.push({ ...event, actorUserId: ctx.actor.kind === 'user' ? ctx.actor.userId : null });
  if (probeTable) {
    await sql`insert into test_audit_probe (action, outcome, reason, matter_id) values (${event.action}, ${event.outcome}, ${event.reason ?? null}, ${event.resources?.matterId ?? null})`.execute(ctx.db);
  }
  return { index: recorded.length - 1 };
}

export const auditModule: ConfidantModule = { name: 'audit' };

/** The probe keeps no identity hooks: nothing to install. */
export function installAuditProvisions(): void {}
