/** Alerts: raised by monitoring rules and failed verification, listed and acknowledged (audited). */
import type { AppServices, RequestContext } from '../platform/context.js';
import { inTransaction, systemContext } from '../platform/context.js';
import { tablesOf } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { AuditTables } from './audit.tables.js';
import { identityHooks } from './hooks.js';
import { recordEventImpl } from './record.js';
import { auditSettings } from './settings.js';

export type AlertRule = 'bulk_download' | 'out_of_hours' | 'repeated_denials' | 'many_clients' | 'after_leaving' | 'wall_crossing' | 'break_glass' | 'integrity_failure' | 'verification_failed';

export interface Alert {
  id: string;
  rule: string;
  actorId: string | null;
  severity: string;
  firstIndex: number | null;
  lastIndex: number | null;
  detail: Record<string, number | string>;
  contained: boolean;
  status: 'open' | 'acknowledged';
  createdAt: number;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
}

type AlertRow = AuditTables['audit_alert'];

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    rule: row.rule,
    actorId: row.actor_id,
    severity: row.severity,
    firstIndex: row.first_seq === null ? null : Number(row.first_seq),
    lastIndex: row.last_seq === null ? null : Number(row.last_seq),
    detail: JSON.parse(row.detail) as Record<string, number | string>,
    contained: row.contained === 1,
    status: row.status === 'acknowledged' ? 'acknowledged' : 'open',
    createdAt: Number(row.created_at),
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at === null ? null : Number(row.acknowledged_at),
  };
}

export interface RaiseInput {
  rule: AlertRule;
  actorId: string | null;
  severity: 'warning' | 'critical';
  firstIndex: number | null;
  lastIndex: number | null;
  /** Counts, thresholds and rule codes only. */
  detail: Record<string, number | string>;
  contain: boolean;
}

/**
 * Raises an alert (audited as `alert.raise` in the same transaction), contains the actor through
 * identity's hook when the rule says so (audited as `user.contain`), and mails the compliance officer.
 */
export async function raiseAlert(services: AppServices, input: RaiseInput): Promise<Alert> {
  const ctx = systemContext(services, 'audit-monitor');
  const id = newId();
  const row: AlertRow = {
    id,
    rule: input.rule,
    actor_id: input.actorId,
    severity: input.severity,
    first_seq: input.firstIndex,
    last_seq: input.lastIndex,
    detail: JSON.stringify(input.detail),
    contained: 0,
    status: 'open',
    created_at: services.clock.now(),
    acknowledged_by: null,
    acknowledged_at: null,
  };
  await inTransaction(ctx, async (trx) => {
    await tablesOf<AuditTables>(trx.db).insertInto('audit_alert').values(row).execute();
    await recordEventImpl(trx, { action: 'alert.raise', outcome: 'allowed', reason: input.rule, resources: { other: { type: 'alert', id }, ...(input.actorId ? { userId: input.actorId } : {}) } });
  });
  const hooks = identityHooks(ctx.app);
  if (input.contain && input.actorId && hooks) {
    try {
      await hooks.contain(input.actorId, input.rule);
      await inTransaction(ctx, async (trx) => {
        await tablesOf<AuditTables>(trx.db).updateTable('audit_alert').set({ contained: 1 }).where('id', '=', id).execute();
        await recordEventImpl(trx, { action: 'user.contain', outcome: 'allowed', reason: input.rule, resources: { userId: input.actorId!, other: { type: 'alert', id } } });
      });
      row.contained = 1;
    } catch (error) {
      services.logger.error({ err: error instanceof Error ? error.message : 'unknown', rule: input.rule }, 'audit alert: containment failed');
    }
  }
  const settings = auditSettings(services.config);
  if (settings.complianceEmail) {
    await services.mailer
      .send({
        to: settings.complianceEmail,
        subject: `Confidant alert: ${input.rule}${row.contained ? ' (user contained)' : ''}`,
        text: `Rule ${input.rule} raised alert ${id} (${input.severity}).\nActor: ${input.actorId ?? 'n/a'}\nEvents: ${input.firstIndex ?? '-'}..${input.lastIndex ?? '-'}\n${
          row.contained ? 'The user was contained: sessions revoked, step-up required.\n' : ''
        }Review it under Audit → Alerts.`,
      })
      .catch((error: unknown) => services.logger.error({ err: error instanceof Error ? error.message : 'unknown' }, 'audit alert mail failed'));
  }
  return toAlert(row);
}

/** True when an alert for this rule and actor was raised at or after `since` (no repeats per window). */
export async function hasRecentAlert(services: AppServices, rule: AlertRule, actorId: string | null, since: number): Promise<boolean> {
  let query = tablesOf<AuditTables>(services.database.db).selectFrom('audit_alert').select('id').where('rule', '=', rule).where('created_at', '>=', since);
  query = actorId === null ? query.where('actor_id', 'is', null) : query.where('actor_id', '=', actorId);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

export async function listAlerts(ctx: RequestContext, filter: { status?: 'open' | 'acknowledged'; limit: number }): Promise<Alert[]> {
  let query = tablesOf<AuditTables>(ctx.db).selectFrom('audit_alert').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  return (await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).execute()).map(toAlert);
}

/** Acknowledges an alert (audited). Throws ALERT_NOT_FOUND. */
export async function acknowledgeAlert(ctx: RequestContext, id: string, actorId: string): Promise<Alert> {
  return inTransaction(ctx, async (trx) => {
    const db = tablesOf<AuditTables>(trx.db);
    const row = await db.selectFrom('audit_alert').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('ALERT_NOT_FOUND', 'Alert not found');
    if (row.status !== 'acknowledged') {
      const now = trx.app.clock.now();
      await db.updateTable('audit_alert').set({ status: 'acknowledged', acknowledged_by: actorId, acknowledged_at: now }).where('id', '=', id).execute();
      row.status = 'acknowledged';
      row.acknowledged_by = actorId;
      row.acknowledged_at = now;
    }
    await recordEventImpl(trx, { action: 'alert.acknowledge', outcome: 'allowed', resources: { other: { type: 'alert', id } } });
    return toAlert(row);
  });
}
