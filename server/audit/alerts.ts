/** Alerts: raised by monitoring rules and failed verification, listed and acknowledged (audited). */
import type { AppServices, RequestContext } from '../platform/context.js';
import { inTransaction, systemContext } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import { existsAlertSince, findAlertById, findAlerts, insertAlert, markAlertAcknowledged, markAlertContained, type AlertRow } from './alerts.repository.js';
import { presentAlert as toAlert } from './audit.presenter.js';
import type { Alert } from './audit.schemas.js';
import { scheduleAlertDigest } from './digest.js';
import { identityHooks } from './hooks.js';
import { recordEventImpl } from './record.js';

export type { Alert } from './audit.schemas.js';

export type AlertRule = 'bulk_download' | 'out_of_hours' | 'repeated_denials' | 'many_clients' | 'after_leaving' | 'wall_crossing' | 'break_glass' | 'integrity_failure' | 'verification_failed' | 'retention_failure' | 'compliance_failure' | 'backup_failure';

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
 * identity's hook when the rule says so (audited as `user.contain`), and has the compliance officer
 * told in the burst's digest mail.
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
    mailed_at: null,
  };
  await inTransaction(ctx, async (trx) => {
    await insertAlert(trx.db, row);
    await recordEventImpl(trx, { action: 'alert.raise', outcome: 'allowed', reason: input.rule, resources: { other: { type: 'alert', id }, ...(input.actorId ? { userId: input.actorId } : {}) } });
  });
  const hooks = identityHooks(ctx.app);
  if (input.contain && input.actorId && hooks) {
    try {
      await hooks.contain(input.actorId, input.rule);
      await inTransaction(ctx, async (trx) => {
        await markAlertContained(trx.db, id);
        await recordEventImpl(trx, { action: 'user.contain', outcome: 'allowed', reason: input.rule, resources: { userId: input.actorId!, other: { type: 'alert', id } } });
      });
      row.contained = 1;
    } catch (error) {
      services.logger.error({ err: error instanceof Error ? error.message : 'unknown', rule: input.rule }, 'audit alert: containment failed');
    }
  }
  // The compliance officer hears of it in the burst's one digest mail (digest.ts), not one mail per alert.
  scheduleAlertDigest(services);
  return toAlert(row);
}

/** True when an alert for this rule and actor was raised at or after `since` (no repeats per window). */
export async function hasRecentAlert(services: AppServices, rule: AlertRule, actorId: string | null, since: number): Promise<boolean> {
  return existsAlertSince(services.database.db, rule, actorId, since);
}

/** One alert by id, or null. No access decision here: for the incidents module after its own (`incident.manage`). */
export async function alertById(ctx: RequestContext, id: string): Promise<Alert | null> {
  const row = await findAlertById(ctx.db, id);
  return row ? toAlert(row) : null;
}

export async function listAlerts(ctx: RequestContext, filter: { status?: 'open' | 'acknowledged'; limit: number }): Promise<Alert[]> {
  return (await findAlerts(ctx.db, filter)).map(toAlert);
}

/** Acknowledges an alert by `actorId` (the caller records the event in the same transaction); null when there is none. */
export async function acknowledgeAlert(ctx: RequestContext, id: string, actorId: string): Promise<Alert | null> {
  return inTransaction(ctx, async (trx) => {
    const row = await findAlertById(trx.db, id);
    if (!row) return null;
    if (row.status !== 'acknowledged') {
      const now = trx.app.clock.now();
      await markAlertAcknowledged(trx.db, id, actorId, now);
      row.status = 'acknowledged';
      row.acknowledged_by = actorId;
      row.acknowledged_at = now;
    }
    return toAlert(row);
  });
}
