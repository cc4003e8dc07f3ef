/**
 * Incidents: anyone signed in reports one (`incident.report`) and follows their own report; the
 * compliance officer (`incident.manage`) runs the response — the steps reported → triaged →
 * contained → assessed → notified → remediated → closed, each with who and when; containment
 * from the incident (disable an account, end a person's sessions and tokens), recorded and
 * reversible; the regimes whose deadline clocks run from the awareness time; the post-incident
 * review's corrective actions. Every change is audited in its transaction.
 */
import { auditedRefusal, canAccess, checkStaff, describeTargets, requireAccess } from '../../access/index.js';
import { ALERT_RULE_TITLES, alertById, recordEvent } from '../../audit/index.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { unsafeRevokeDisclosuresRequestedBy } from '../consent/index.js';
import { containUser, disableUser, enableUser } from '../identity/index.js';
import { countIncidentsNumbered, findActions, findIncidentByAlert, findContainments, findIncidentRows, findSteps, getIncidentRow, insertAction, insertContainment, insertIncident, insertStep, markActionDone, markContainmentReversed, updateIncidentRow } from './incidents.repository.js';
import { INCIDENT_STATUSES, type ContainmentAction, type IncidentSeverity, type IncidentStatus, type IncidentStepsTable, type IncidentsTable, type StepKind } from './incidents.tables.js';
import { clocksOf, loadRegimes, type Clock } from './regimes.js';
import { labelScope, type FrozenScope, type LabelledScope } from './scope.labels.js';

export const FIRM = { kind: 'firm' } as const;
const DAY_MS = 86_400_000;

const actorOf = (ctx: RequestContext): string => (ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.kind === 'system' ? `system:${ctx.actor.name}` : 'anonymous');
const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
const notFound = () => new AppError('NOT_FOUND', 'No such incident');

export const canManage = (ctx: RequestContext) => canAccess(ctx, 'incident.manage', FIRM);

async function step(tx: RequestContext, incidentId: string, kind: StepKind, fields: { status?: IncidentStatus; note?: string; detail?: Record<string, unknown> } = {}): Promise<void> {
  await insertStep(tx, { id: newId(), incident_id: incidentId, kind, status: fields.status ?? null, note: fields.note ?? null, detail: JSON.stringify(fields.detail ?? {}), actor_id: actorOf(tx), at: tx.app.clock.now() });
}

const event = (tx: RequestContext, action: string, incidentId: string, reason?: string) => recordEvent(tx, { action, outcome: 'allowed', ...(reason ? { reason } : {}), resources: { other: { type: 'incident', id: incidentId } } });

export interface ReportInput {
  title: string;
  description: string;
  severity?: IncidentSeverity;
  /** When it happened, if known (epoch ms). */
  occurredAt?: number;
  /** When the firm became aware (epoch ms; default now): the deadline clocks run from here. */
  awareAt?: number;
}

/** Reports an incident (every staff member; the compliance officer's own reports are marked as theirs). Audited. */
export async function reportIncident(ctx: RequestContext, input: ReportInput): Promise<IncidentView> {
  await requireAccess(ctx, 'incident.report', FIRM);
  const manager = await canManage(ctx);
  const now = ctx.app.clock.now();
  if (input.awareAt !== undefined && input.awareAt > now) throw new AppError('VALIDATION_FAILED', 'awareAt must not be in the future', [{ path: 'body.awareAt', message: 'must not be in the future' }]);
  if (input.occurredAt !== undefined && input.occurredAt > now) throw new AppError('VALIDATION_FAILED', 'occurredAt must not be in the future', [{ path: 'body.occurredAt', message: 'must not be in the future' }]);
  return inTransaction(ctx, async (tx) => {
    const year = new Date(now).getUTCFullYear();
    const number = `INC-${year}-${String((await countIncidentsNumbered(tx, `INC-${year}-`)) + 1).padStart(4, '0')}`;
    const row: IncidentsTable = {
      id: newId(),
      number,
      title: input.title,
      description: input.description,
      severity: input.severity ?? 'medium',
      status: 'reported',
      source: manager ? 'compliance' : 'staff',
      alert_id: null,
      reported_by: actorOf(tx),
      reported_at: now,
      aware_at: input.awareAt ?? now,
      occurred_at: input.occurredAt ?? null,
      regimes: '[]',
      scope: null,
      scope_frozen_at: null,
      closed_at: null,
      updated_at: now,
    };
    await insertIncident(tx, row);
    await step(tx, row.id, 'reported', { status: 'reported' });
    await event(tx, 'incident.report', row.id, row.severity);
    return (await present(tx, row, manager))!;
  });
}

/**
 * Opens an incident from a monitoring alert (the compliance officer): its rule, severity, actor
 * and the indexes of the events that raised it are the incident's first evidence, and its time
 * is the awareness time. One incident per alert (409 names the one that exists). 400
 * `body.alertId` for an unknown alert.
 */
export async function openIncidentFromAlert(ctx: RequestContext, alertId: string): Promise<IncidentView> {
  await requireAccess(ctx, 'incident.manage', FIRM);
  const alert = await alertById(ctx, alertId);
  if (!alert) throw new AppError('VALIDATION_FAILED', 'alertId names no alert', [{ path: 'body.alertId', message: 'names no alert' }]);
  const existing = await findIncidentByAlert(ctx, alertId);
  if (existing) throw new AppError('CONFLICT', `This alert already opened ${existing.number}`);
  const title = `Alert: ${ALERT_RULE_TITLES[alert.rule] ?? alert.rule}`;
  const counts = Object.entries(alert.detail).map(([k, v]) => `${k} ${String(v)}`).join(', ');
  const description = `Opened from the ${alert.severity} alert raised ${new Date(alert.createdAt).toISOString()}${counts ? ` (${counts})` : ''}${alert.contained ? '; the actor was contained automatically' : ''}.`;
  return inTransaction(ctx, async (tx) => {
    const now = tx.app.clock.now();
    const year = new Date(now).getUTCFullYear();
    const number = `INC-${year}-${String((await countIncidentsNumbered(tx, `INC-${year}-`)) + 1).padStart(4, '0')}`;
    const row: IncidentsTable = { id: newId(), number, title, description, severity: alert.severity === 'critical' ? 'high' : 'medium', status: 'reported', source: 'alert', alert_id: alertId, reported_by: actorOf(tx), reported_at: now, aware_at: Math.min(alert.createdAt, now), occurred_at: null, regimes: '[]', scope: null, scope_frozen_at: null, closed_at: null, updated_at: now };
    await insertIncident(tx, row);
    await step(tx, row.id, 'reported', { status: 'reported', detail: { alertId, rule: alert.rule, actorId: alert.actorId, firstIndex: alert.firstIndex, lastIndex: alert.lastIndex, contained: alert.contained } });
    await event(tx, 'incident.report', row.id, `alert:${alert.rule}`);
    return (await present(tx, row, true))!;
  });
}

export interface StepView {
  kind: StepKind;
  status: IncidentStatus | null;
  note: string | null;
  detail: Record<string, unknown>;
  by: { id: string; name: string };
  at: string;
}

export interface IncidentSummaryView {
  id: string;
  number: string;
  title: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  source: string;
  reportedBy: { id: string; name: string };
  reportedAt: string;
  awareAt: string;
  /** The nearest running deadline, when regimes apply and the incident is not notified yet. */
  nextDeadline: { label: string; dueAt: string; state: Clock['state'] } | null;
}

export interface IncidentView extends IncidentSummaryView {
  description: string;
  occurredAt: string | null;
  closedAt: string | null;
  /** What the viewer may do: `manage` for the compliance officer; the reporter sees their report and its steps only. */
  viewer: 'manage' | 'reporter';
  timeline: StepView[];
  regimes: string[];
  clocks: (Omit<Clock, 'dueAt'> & { dueAt: string })[];
  scope: LabelledScope | null;
  scopeFrozenAt: string | null;
  containments: { id: string; action: ContainmentAction; target: { id: string; name: string }; result: Record<string, unknown>; executedBy: { id: string; name: string }; executedAt: string; reversedBy: { id: string; name: string } | null; reversedAt: string | null }[];
  actions: { id: string; title: string; assignee: { id: string; name: string }; dueOn: string; overdue: boolean; doneAt: string | null; doneBy: { id: string; name: string } | null }[];
}

const STOPPED: IncidentStatus[] = ['notified', 'remediated', 'closed'];

function clocks(row: IncidentsTable, now: number): Clock[] {
  return clocksOf(loadRegimes(), JSON.parse(row.regimes) as string[], row.aware_at, now, STOPPED.includes(row.status));
}

async function names(ctx: RequestContext, ids: string[]): Promise<(id: string | null) => { id: string; name: string }> {
  const labels = await describeTargets(ctx, { userIds: ids.filter((id) => !id.startsWith('system:')) });
  return (id) => (id === null ? { id: '', name: '' } : id.startsWith('system:') ? { id, name: 'Confidant (scheduled run)' } : { id, name: labels.users.get(id)?.name ?? 'Former user' });
}

function summary(row: IncidentsTable, person: (id: string) => { id: string; name: string }, now: number): IncidentSummaryView {
  const next = clocks(row, now).find((c) => c.state !== 'stopped');
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    severity: row.severity,
    status: row.status,
    source: row.source,
    reportedBy: person(row.reported_by),
    reportedAt: iso(row.reported_at)!,
    awareAt: iso(row.aware_at)!,
    nextDeadline: next ? { label: next.label, dueAt: iso(next.dueAt)!, state: next.state } : null,
  };
}

/** The whole incident as this viewer may see it (the scope's titles resolved for them). */
async function present(ctx: RequestContext, row: IncidentsTable, manager: boolean): Promise<IncidentView | null> {
  const now = ctx.app.clock.now();
  const [steps, containments, actions] = await Promise.all([findSteps(ctx, row.id), manager ? findContainments(ctx, row.id) : [], manager ? findActions(ctx, row.id) : []]);
  const person = await names(ctx, [row.reported_by, ...steps.map((s) => s.actor_id), ...containments.flatMap((c) => [c.target_id, c.executed_by, ...(c.reversed_by ? [c.reversed_by] : [])]), ...actions.flatMap((a) => [a.assignee_id, ...(a.done_by ? [a.done_by] : [])])]);
  const visibleSteps: IncidentStepsTable[] = manager ? steps : steps.filter((s) => s.kind === 'reported' || s.kind === 'status');
  return {
    ...summary(row, person, now),
    description: row.description,
    occurredAt: iso(row.occurred_at),
    closedAt: iso(row.closed_at),
    viewer: manager ? 'manage' : 'reporter',
    timeline: visibleSteps.map((s) => ({ kind: s.kind, status: s.status, note: manager ? s.note : null, detail: manager ? (JSON.parse(s.detail) as Record<string, unknown>) : {}, by: person(s.actor_id), at: iso(s.at)! })),
    regimes: manager ? (JSON.parse(row.regimes) as string[]) : [],
    clocks: manager ? clocks(row, now).map((c) => ({ ...c, dueAt: iso(c.dueAt)! })) : [],
    scope: manager && row.scope ? await labelScope(ctx, JSON.parse(row.scope) as FrozenScope) : null,
    scopeFrozenAt: manager ? iso(row.scope_frozen_at) : null,
    containments: containments.map((c) => ({ id: c.id, action: c.action, target: person(c.target_id), result: JSON.parse(c.result) as Record<string, unknown>, executedBy: person(c.executed_by), executedAt: iso(c.executed_at)!, reversedBy: c.reversed_by ? person(c.reversed_by) : null, reversedAt: iso(c.reversed_at) })),
    actions: actions.map((a) => ({ id: a.id, title: a.title, assignee: person(a.assignee_id), dueOn: new Date(a.due_on).toISOString().slice(0, 10), overdue: a.done_at === null && a.due_on + DAY_MS <= now, doneAt: iso(a.done_at), doneBy: a.done_by ? person(a.done_by) : null })),
  };
}

/**
 * The incident row for this viewer: any incident for the compliance officer, one's own report
 * otherwise; anyone else gets the same audited 404 as a made-up id.
 */
export async function incidentFor(ctx: RequestContext, id: string, options: { manage: boolean }): Promise<{ row: IncidentsTable; manager: boolean }> {
  await requireAccess(ctx, options.manage ? 'incident.manage' : 'incident.report', FIRM);
  const manager = options.manage || (await canManage(ctx));
  const row = await getIncidentRow(ctx, id);
  if (!row || (!manager && row.reported_by !== actorOf(ctx))) throw await auditedRefusal(ctx, notFound(), { action: 'incident.read', reason: 'NOT_FOUND', resources: { other: { type: 'incident', id } } });
  return { row, manager };
}

/** The compliance officer: every incident (open ones, or all); anyone else: their own reports. */
export async function findIncidents(ctx: RequestContext, filter: { status?: IncidentStatus; open?: boolean } = {}): Promise<IncidentSummaryView[]> {
  await requireAccess(ctx, 'incident.report', FIRM);
  const manager = await canManage(ctx);
  const rows = await findIncidentRows(ctx, { ...filter, ...(manager ? {} : { reportedBy: actorOf(ctx) }) });
  const person = await names(ctx, rows.map((r) => r.reported_by));
  const now = ctx.app.clock.now();
  return rows.map((r) => summary(r, person, now));
}

export async function getIncident(ctx: RequestContext, id: string): Promise<IncidentView> {
  const { row, manager } = await incidentFor(ctx, id, { manage: false });
  await event(ctx, 'incident.read', id);
  return (await present(ctx, row, manager))!;
}

/** Runs `work` on the managed incident in one transaction, with a compare-and-set on its status. */
async function changeIncident(ctx: RequestContext, id: string, work: (tx: RequestContext, row: IncidentsTable) => Promise<Partial<IncidentsTable> | null>): Promise<IncidentView> {
  await incidentFor(ctx, id, { manage: true });
  return inTransaction(ctx, async (tx) => {
    const row = (await getIncidentRow(tx, id))!;
    const changes = await work(tx, row);
    const next = { ...row, ...(changes ?? {}), updated_at: tx.app.clock.now() };
    if (!(await updateIncidentRow(tx, id, row.status, { ...(changes ?? {}), updated_at: next.updated_at }))) throw new AppError('INCIDENT_STATE', 'The incident changed meanwhile: reload it');
    return (await present(tx, next, true))!;
  });
}

const stateError = (message: string) => new AppError('INCIDENT_STATE', message);

/** Moves the incident to its next step (never skipping one, never back). Assessing freezes the scope; closing needs every corrective action done. */
export async function advanceIncident(ctx: RequestContext, id: string, input: { to: IncidentStatus; note?: string }): Promise<IncidentView> {
  return changeIncident(ctx, id, async (tx, row) => {
    const at = INCIDENT_STATUSES.indexOf(row.status);
    const next = INCIDENT_STATUSES[at + 1];
    if (input.to !== next) throw stateError(next ? `The incident is ${row.status}: its next step is ${next}` : 'The incident is closed');
    const changes: Partial<IncidentsTable> = { status: input.to };
    if (input.to === 'assessed') {
      if (!row.scope) throw stateError('Assess the scope first (who or which addresses, and the window): it is frozen into the incident when assessed');
      changes.scope_frozen_at = tx.app.clock.now();
    }
    if (input.to === 'closed') {
      const open = (await findActions(tx, id)).filter((a) => a.done_at === null);
      if (open.length > 0) throw stateError(`${open.length} corrective action${open.length === 1 ? ' is' : 's are'} not done yet`);
      changes.closed_at = tx.app.clock.now();
    }
    await step(tx, id, 'status', { status: input.to, ...(input.note ? { note: input.note } : {}) });
    await event(tx, 'incident.advance', id, input.to);
    return changes;
  });
}

export async function addIncidentNote(ctx: RequestContext, id: string, text: string): Promise<IncidentView> {
  return changeIncident(ctx, id, async (tx) => {
    await step(tx, id, 'note', { note: text });
    await event(tx, 'incident.note', id);
    return null;
  });
}

/** Which regimes apply (their deadline clocks run from the awareness time). 400 naming `body.regimes` for an unknown one. */
export async function setIncidentRegimes(ctx: RequestContext, id: string, regimes: string[]): Promise<IncidentView> {
  const known = new Set(loadRegimes().map((r) => r.id));
  const unknown = regimes.find((r) => !known.has(r));
  if (unknown !== undefined) throw new AppError('VALIDATION_FAILED', `regimes: ${unknown} is not a known regime`, [{ path: 'body.regimes', message: `${unknown} is not a known regime` }]);
  return changeIncident(ctx, id, async (tx, row) => {
    if (row.status === 'closed') throw stateError('The incident is closed');
    const chosen = [...new Set(regimes)].sort();
    await step(tx, id, 'regimes', { detail: { regimes: chosen } });
    await event(tx, 'incident.regimes', id, chosen.join(':').slice(0, 100) || 'none');
    return { regimes: JSON.stringify(chosen) };
  });
}

/**
 * Containment from the incident: `disable_account` (the account is disabled; its sessions, tokens
 * and links end) or `end_sessions` (every session and token ends; the person signs in again).
 * Refused for oneself; the last administrator cannot be disabled (identity refuses).
 */
export async function containIncident(ctx: RequestContext, id: string, input: { action: ContainmentAction; userId: string }): Promise<IncidentView> {
  if (ctx.actor.kind === 'user' && input.userId === ctx.actor.userId) throw new AppError('VALIDATION_FAILED', 'userId must be someone else: you cannot contain your own account', [{ path: 'body.userId', message: 'must be someone else' }]);
  await checkStaff(ctx, [input.userId], 'body.userId').catch(async (error: unknown) => {
    // A disabled account may still be ended sessions of; only unknown people are refused.
    const directory = await describeTargets(ctx, { userIds: [input.userId] });
    if (!directory.users.has(input.userId)) throw error;
  });
  return changeIncident(ctx, id, async (tx, row) => {
    if (row.status === 'closed') throw stateError('The incident is closed');
    let result: Record<string, unknown>;
    if (input.action === 'disable_account') {
      const user = await disableUser(tx, input.userId, 'INCIDENT');
      result = { disabled: user.status === 'disabled' };
    } else if (input.action === 'revoke_disclosures') {
      result = { disclosuresRevoked: await unsafeRevokeDisclosuresRequestedBy(tx, input.userId) };
    } else {
      await containUser(tx, input.userId, 'INCIDENT');
      result = { sessionsEnded: true };
    }
    const containmentId = newId();
    await insertContainment(tx, { id: containmentId, incident_id: id, action: input.action, target_id: input.userId, result: JSON.stringify(result), executed_by: actorOf(tx), executed_at: tx.app.clock.now(), reversed_by: null, reversed_at: null });
    await step(tx, id, 'containment', { detail: { containmentId, action: input.action, userId: input.userId } });
    await event(tx, 'incident.contain', id, input.action);
    return null;
  });
}

/** Reverses a containment where that makes sense: a disabled account is enabled again (ended sessions stay ended: 409). */
export async function reverseContainment(ctx: RequestContext, id: string, containmentId: string): Promise<IncidentView> {
  return changeIncident(ctx, id, async (tx) => {
    const containment = (await findContainments(tx, id)).find((c) => c.id === containmentId);
    if (!containment) throw new AppError('NOT_FOUND', 'No such containment on this incident');
    if (containment.action !== 'disable_account') throw stateError(containment.action === 'end_sessions' ? 'Ended sessions cannot be brought back: the person signs in again' : 'Revoked disclosures are not restored: request them again if they should go out');
    if (!(await markContainmentReversed(tx, containmentId, actorOf(tx), tx.app.clock.now()))) throw stateError('This containment was already reversed');
    await enableUser(tx, containment.target_id, 'INCIDENT');
    await step(tx, id, 'reversal', { detail: { containmentId, action: containment.action, userId: containment.target_id } });
    await event(tx, 'incident.contain.reverse', id, containment.action);
    return null;
  });
}

/** A corrective action of the post-incident review: assigned to a staff member, with a due day. */
export async function addCorrectiveAction(ctx: RequestContext, id: string, input: { title: string; assigneeId: string; dueOn: string }): Promise<IncidentView> {
  const due = Date.parse(`${input.dueOn}T00:00:00.000Z`);
  if (!Number.isFinite(due) || new Date(due).toISOString().slice(0, 10) !== input.dueOn) throw new AppError('VALIDATION_FAILED', 'dueOn must be a real calendar day', [{ path: 'body.dueOn', message: 'must be a real calendar day, YYYY-MM-DD' }]);
  await incidentFor(ctx, id, { manage: true });
  await checkStaff(ctx, [input.assigneeId], 'body.assigneeId');
  return changeIncident(ctx, id, async (tx, row) => {
    if (row.status === 'closed') throw stateError('The incident is closed');
    const actionId = newId();
    await insertAction(tx, { id: actionId, incident_id: id, title: input.title, assignee_id: input.assigneeId, due_on: due, done_at: null, done_by: null, created_by: actorOf(tx), created_at: tx.app.clock.now() });
    await step(tx, id, 'action', { detail: { actionId, assigneeId: input.assigneeId, dueOn: input.dueOn } });
    await event(tx, 'incident.action.create', id);
    return null;
  });
}

/** Marks a corrective action done (the compliance officer). */
export async function completeCorrectiveAction(ctx: RequestContext, id: string, actionId: string): Promise<IncidentView> {
  return changeIncident(ctx, id, async (tx) => {
    if (!(await markActionDone(tx, id, actionId, actorOf(tx), tx.app.clock.now()))) {
      const exists = (await findActions(tx, id)).some((a) => a.id === actionId);
      throw exists ? stateError('This corrective action is done already') : new AppError('NOT_FOUND', 'No such corrective action on this incident');
    }
    await step(tx, id, 'action', { detail: { actionId, done: true } });
    await event(tx, 'incident.action.done', id);
    return null;
  });
}

export { step as recordIncidentStep, changeIncident };
