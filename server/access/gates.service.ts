/** Gate settings (on/off per gate) and the minimal agreement and training records behind two gates. */
import { inTransaction, type RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { AgreementKind } from './access.tables.js';
import { bumpPolicyVersion, db, firmFacts } from './facts.js';
import { getGate, listGates } from './gates.js';
import { requireAccess } from './choke-point.js';
import { actorId, audit, checkStaff } from './support.js';

export interface GateSettingView {
  key: string;
  title: string;
  description: string;
  enabled: boolean;
  defaultEnabled: boolean;
}

export interface AgreementView {
  id: string;
  userId: string;
  kind: AgreementKind;
  completedAt: number;
  expiresAt: number | null;
}

/** Every registered gate with its current setting (settings.manage). */
export async function listGateSettings(ctx: RequestContext): Promise<GateSettingView[]> {
  await requireAccess(ctx, 'settings.manage', { kind: 'firm' });
  const firm = await firmFacts(ctx);
  return listGates(ctx).map((g) => ({ key: g.key, title: g.title, description: g.description, enabled: firm.gates.get(g.key) ?? g.defaultEnabled, defaultEnabled: g.defaultEnabled }));
}

/** Turns a gate on or off; effective on the next request. Throws NOT_FOUND for an unknown gate. */
export async function setGateEnabled(ctx: RequestContext, key: string, enabled: boolean): Promise<GateSettingView> {
  return inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'settings.manage', { kind: 'firm' });
    const gate = getGate(tx, key);
    if (!gate) throw new AppError('NOT_FOUND', 'No such gate');
    await bumpPolicyVersion(tx);
    const now = tx.app.clock.now();
    const d = db(tx);
    const existing = await d.selectFrom('access_gate_settings').select('gate').where('gate', '=', key).executeTakeFirst();
    if (existing) await d.updateTable('access_gate_settings').set({ enabled: enabled ? 1 : 0, updated_at: now, updated_by: actorId(tx) }).where('gate', '=', key).execute();
    else await d.insertInto('access_gate_settings').values({ gate: key, enabled: enabled ? 1 : 0, updated_at: now, updated_by: actorId(tx) }).execute();
    await audit(tx, { action: 'access.gate.update', reason: enabled ? 'ON' : 'OFF', resources: { other: { type: 'gate', id: key } } });
    return { key, title: gate.title, description: gate.description, enabled, defaultEnabled: gate.defaultEnabled };
  });
}

/** Records a signed agreement or completed training for a person (settings.manage). */
export async function recordAgreement(ctx: RequestContext, input: { userId: string; kind: AgreementKind; completedAt: number; expiresAt: number | null }): Promise<AgreementView> {
  return inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'settings.manage', { kind: 'firm' });
    await checkStaff(tx, [input.userId], 'body.userId');
    if (input.expiresAt !== null && input.expiresAt <= input.completedAt) throw new AppError('VALIDATION_FAILED', 'expiresAt must be after completedAt', [{ path: 'body.expiresAt', message: 'must be after completedAt' }]);
    await bumpPolicyVersion(tx);
    const id = newId();
    await db(tx).insertInto('access_agreements').values({ id, user_id: input.userId, kind: input.kind, completed_at: input.completedAt, expires_at: input.expiresAt, recorded_by: actorId(tx) }).execute();
    await audit(tx, { action: 'access.agreement.record', reason: input.kind.toUpperCase(), resources: { userId: input.userId, other: { type: 'agreement', id } } });
    return { id, ...input };
  });
}

/** Agreement and training records, optionally for one person (settings.manage). */
export async function listAgreements(ctx: RequestContext, userId?: string): Promise<AgreementView[]> {
  await requireAccess(ctx, 'settings.manage', { kind: 'firm' });
  let query = db(ctx).selectFrom('access_agreements').selectAll().orderBy('completed_at', 'desc').limit(1000);
  if (userId) query = query.where('user_id', '=', userId);
  return (await query.execute()).map((r) => ({ id: r.id, userId: r.user_id, kind: r.kind, completedAt: Number(r.completed_at), expiresAt: r.expires_at === null ? null : Number(r.expires_at) }));
}
