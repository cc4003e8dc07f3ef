/** Gate settings (on/off per gate) and the minimal agreement and training records behind two gates. */
import { inTransaction, type RequestContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { AgreementKind } from './access.tables.js';
import { bumpPolicyVersion, firmFacts } from './facts.js';
import { findAgreementRows, insertAgreementRow, saveGateSetting } from './gates.repository.js';
import { getGate, listGates } from './gates.js';
import { requireAccess } from './choke-point.js';
import { actorId, audit, checkStaff } from './support.js';
import { describeTargets } from './labels.js';
import { emailOf, nameOf } from './named.js';

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
  name: string | null;
  email: string | null;
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
    await saveGateSetting(tx, { gate: key, enabled: enabled ? 1 : 0, updated_at: tx.app.clock.now(), updated_by: actorId(tx) });
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
    await insertAgreementRow(tx, { id, user_id: input.userId, kind: input.kind, completed_at: input.completedAt, expires_at: input.expiresAt, recorded_by: actorId(tx) });
    await audit(tx, { action: 'access.agreement.record', reason: input.kind.toUpperCase(), resources: { userId: input.userId, other: { type: 'agreement', id } } });
    const labels = await describeTargets(tx, { userIds: [input.userId] });
    return { id, ...input, name: nameOf(labels, input.userId), email: emailOf(labels, input.userId) };
  });
}

/** Agreement and training records, optionally for one person (settings.manage). */
export async function listAgreements(ctx: RequestContext, userId?: string): Promise<AgreementView[]> {
  await requireAccess(ctx, 'settings.manage', { kind: 'firm' });
  const rows = await findAgreementRows(ctx, userId);
  const labels = await describeTargets(ctx, { userIds: rows.map((r) => r.user_id) });
  return rows.map((r) => ({ id: r.id, userId: r.user_id, name: nameOf(labels, r.user_id), email: emailOf(labels, r.user_id), kind: r.kind, completedAt: Number(r.completed_at), expiresAt: r.expires_at === null ? null : Number(r.expires_at) }));
}
