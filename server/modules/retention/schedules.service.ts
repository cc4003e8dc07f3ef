/**
 * Retention schedules and the legal minimums no schedule may undercut: firm text, managed by the
 * compliance officer (retention.manage). A schedule matches matters by practice area and
 * jurisdiction (absent: any); the period applied is never below the longest matching minimum.
 */
import { requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { deleteMinimum, findMinimums, findSchedule, findSchedules, insertMinimum, insertSchedule, updateSchedule } from './retention.repository.js';
import { actorIdOf, dayOf, FIRM, labelsFor, parseDay, personOf } from './retention.support.js';
import type { RetentionMinimumsTable, RetentionSchedulesTable, ScheduleAction, ScheduleTrigger } from './retention.tables.js';

export interface ScheduleInput {
  name: string;
  practiceArea?: string | null;
  jurisdiction?: string | null;
  trigger: ScheduleTrigger;
  fixedDate?: string | null;
  periodDays: number;
  action: ScheduleAction;
}

export interface ScheduleView {
  id: string;
  name: string;
  practiceArea: string | null;
  jurisdiction: string | null;
  trigger: ScheduleTrigger;
  fixedDate: string | null;
  periodDays: number;
  effectiveDays: number;
  action: ScheduleAction;
  status: 'active' | 'retired';
  createdBy: { id: string; name: string };
  createdAt: number;
  updatedAt: number;
}

export interface MinimumView {
  id: string;
  practiceArea: string | null;
  jurisdiction: string | null;
  minDays: number;
  citation: string;
  createdAt: number;
}

const norm = (value: string | null | undefined): string | null => (value === undefined || value === null || value.trim() === '' ? null : value.trim());
const sameText = (a: string | null, b: string | null): boolean => a === null || b === null || a.toLowerCase() === b.toLowerCase();

/** Does a schedule's or minimum's (practice area, jurisdiction) cover a matter's? Null on the rule's side matches anything. */
export function covers(rule: { practice_area: string | null; jurisdiction: string | null }, matter: { practiceArea: string | null; jurisdiction: string | null }): boolean {
  return (rule.practice_area === null || sameText(rule.practice_area, matter.practiceArea ?? '')) && (rule.jurisdiction === null || sameText(rule.jurisdiction, matter.jurisdiction ?? ''));
}

/** The longest legal minimum covering these matters' attributes (0 when none). */
export function minimumFor(minimums: RetentionMinimumsTable[], matter: { practiceArea: string | null; jurisdiction: string | null }): number {
  return minimums.filter((m) => covers(m, matter)).reduce((max, m) => Math.max(max, m.min_days), 0);
}

/**
 * The longest minimum that could apply to a schedule's matters: every minimum whose rule overlaps
 * the schedule's (a minimum for "any practice area" overlaps every schedule; one for "family"
 * overlaps a schedule for "any").
 */
function minimumUnder(minimums: RetentionMinimumsTable[], schedule: { practice_area: string | null; jurisdiction: string | null }): number {
  const overlaps = (a: string | null, b: string | null) => sameText(a, b);
  return minimums.filter((m) => overlaps(m.practice_area, schedule.practice_area) && overlaps(m.jurisdiction, schedule.jurisdiction)).reduce((max, m) => Math.max(max, m.min_days), 0);
}

function checkInput(input: ScheduleInput, minimums: RetentionMinimumsTable[]): Omit<RetentionSchedulesTable, 'id' | 'status' | 'created_by' | 'created_at' | 'updated_at'> {
  const practice_area = norm(input.practiceArea);
  const jurisdiction = norm(input.jurisdiction);
  let fixed_date: number | null = null;
  if (input.trigger === 'fixed_date') {
    if (!input.fixedDate) throw new AppError('VALIDATION_FAILED', 'A fixed-date schedule needs its day', [{ path: 'body.fixedDate', message: 'is required when trigger is fixed_date' }]);
    fixed_date = parseDay(input.fixedDate, 'body.fixedDate');
  } else if (input.fixedDate) {
    throw new AppError('VALIDATION_FAILED', 'Only a fixed-date schedule has a day', [{ path: 'body.fixedDate', message: 'is only for trigger fixed_date' }]);
  }
  const name = input.name.trim();
  if (name === '') throw new AppError('VALIDATION_FAILED', 'A schedule needs a name', [{ path: 'body.name', message: 'must not be blank' }]);
  // A fixed day has no period after it; anything else may not undercut the law.
  const floor = input.trigger === 'fixed_date' ? 0 : minimumUnder(minimums, { practice_area, jurisdiction });
  if (input.periodDays < floor) {
    const years = floor % 365 === 0 ? ` (${floor / 365} year${floor === 365 ? '' : 's'})` : '';
    throw new AppError('RETENTION_BELOW_MINIMUM', `The law requires keeping these matters at least ${floor} days${years}`, [{ path: 'body.periodDays', message: `must be at least ${floor} days${years}: the legal minimum for these matters` }]);
  }
  return { name, practice_area, jurisdiction, trigger: input.trigger, fixed_date, period_days: input.periodDays, action: input.action };
}

async function viewsOf(ctx: RequestContext, rows: RetentionSchedulesTable[]): Promise<ScheduleView[]> {
  const minimums = await findMinimums(ctx);
  const labels = await labelsFor(ctx, { userIds: rows.map((r) => r.created_by) });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    practiceArea: r.practice_area,
    jurisdiction: r.jurisdiction,
    trigger: r.trigger,
    fixedDate: r.fixed_date === null ? null : dayOf(Number(r.fixed_date)),
    periodDays: r.period_days,
    effectiveDays: r.trigger === 'fixed_date' ? r.period_days : Math.max(r.period_days, minimumUnder(minimums, r)),
    action: r.action,
    status: r.status,
    createdBy: personOf(labels, r.created_by),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }));
}

/** Every schedule (retention.manage). */
export async function findRetentionSchedules(ctx: RequestContext): Promise<ScheduleView[]> {
  await requireAccess(ctx, 'retention.manage', FIRM);
  return viewsOf(ctx, await findSchedules(ctx));
}

/** Adds a schedule. Throws ACCESS_DENIED, VALIDATION_FAILED, RETENTION_BELOW_MINIMUM. */
export async function createSchedule(ctx: RequestContext, input: ScheduleInput): Promise<ScheduleView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'retention.manage', FIRM);
    const now = tx.app.clock.now();
    const row: RetentionSchedulesTable = { id: newId(now), ...checkInput(input, await findMinimums(tx)), status: 'active', created_by: actorIdOf(tx), created_at: now, updated_at: now };
    await insertSchedule(tx, auth, row);
    await recordEvent(tx, { action: 'retention.schedule.create', outcome: 'allowed', resources: { other: { type: 'retention_schedule', id: row.id } } });
    return (await viewsOf(tx, [row]))[0]!;
  });
}

async function scheduleOrNotFound(ctx: RequestContext, auth: Parameters<typeof findSchedule>[1], id: string): Promise<RetentionSchedulesTable> {
  const row = await findSchedule(ctx, auth, id);
  if (!row) throw new AppError('NOT_FOUND', 'No such schedule');
  return row;
}

/** Changes a schedule; the new rules apply to what is not yet queued. Throws ACCESS_DENIED, NOT_FOUND, VALIDATION_FAILED, RETENTION_BELOW_MINIMUM. */
export async function changeSchedule(ctx: RequestContext, id: string, patch: Partial<ScheduleInput>): Promise<ScheduleView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'retention.manage', FIRM);
    const row = await scheduleOrNotFound(tx, auth, id);
    const merged: ScheduleInput = {
      name: patch.name ?? row.name,
      practiceArea: patch.practiceArea !== undefined ? patch.practiceArea : row.practice_area,
      jurisdiction: patch.jurisdiction !== undefined ? patch.jurisdiction : row.jurisdiction,
      trigger: patch.trigger ?? row.trigger,
      fixedDate: patch.fixedDate !== undefined ? patch.fixedDate : row.fixed_date === null ? null : dayOf(Number(row.fixed_date)),
      periodDays: patch.periodDays ?? row.period_days,
      action: patch.action ?? row.action,
    };
    if (patch.trigger && patch.trigger !== 'fixed_date' && patch.fixedDate === undefined) merged.fixedDate = null;
    const next = { ...checkInput(merged, await findMinimums(tx)), updated_at: tx.app.clock.now() };
    await updateSchedule(tx, auth, id, next);
    await recordEvent(tx, { action: 'retention.schedule.update', outcome: 'allowed', resources: { other: { type: 'retention_schedule', id } } });
    return (await viewsOf(tx, [{ ...row, ...next }]))[0]!;
  });
}

/** Retires a schedule (kept for the record; nothing new becomes due under it). Throws ACCESS_DENIED, NOT_FOUND. */
export async function retireSchedule(ctx: RequestContext, id: string): Promise<ScheduleView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'retention.manage', FIRM);
    const row = await scheduleOrNotFound(tx, auth, id);
    const now = tx.app.clock.now();
    await updateSchedule(tx, auth, id, { status: 'retired', updated_at: now });
    await recordEvent(tx, { action: 'retention.schedule.retire', outcome: 'allowed', resources: { other: { type: 'retention_schedule', id } } });
    return (await viewsOf(tx, [{ ...row, status: 'retired', updated_at: now }]))[0]!;
  });
}

const minimumView = (m: RetentionMinimumsTable): MinimumView => ({ id: m.id, practiceArea: m.practice_area, jurisdiction: m.jurisdiction, minDays: m.min_days, citation: m.citation, createdAt: Number(m.created_at) });

export async function findLegalMinimums(ctx: RequestContext): Promise<MinimumView[]> {
  await requireAccess(ctx, 'retention.manage', FIRM);
  return (await findMinimums(ctx)).map(minimumView);
}

/**
 * Records a legal minimum. Schedules already shorter keep their text but are applied at the
 * minimum (effectiveDays), so raising the law's floor never lets anything go early. Throws ACCESS_DENIED.
 */
export async function createLegalMinimum(ctx: RequestContext, input: { practiceArea?: string | null; jurisdiction?: string | null; minDays: number; citation: string }): Promise<MinimumView> {
  return inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'retention.manage', FIRM);
    const now = tx.app.clock.now();
    const citation = input.citation.trim();
    if (citation === '') throw new AppError('VALIDATION_FAILED', 'Say where the rule comes from', [{ path: 'body.citation', message: 'must not be blank' }]);
    const row: RetentionMinimumsTable = { id: newId(now), practice_area: norm(input.practiceArea), jurisdiction: norm(input.jurisdiction), min_days: input.minDays, citation, created_by: actorIdOf(tx), created_at: now };
    await insertMinimum(tx, auth, row);
    await recordEvent(tx, { action: 'retention.minimum.create', outcome: 'allowed', resources: { other: { type: 'retention_minimum', id: row.id } } });
    return minimumView(row);
  });
}

export async function deleteLegalMinimum(ctx: RequestContext, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const auth = await requireAccess(tx, 'retention.manage', FIRM);
    if (!(await deleteMinimum(tx, auth, id))) throw new AppError('NOT_FOUND', 'No such legal minimum');
    await recordEvent(tx, { action: 'retention.minimum.delete', outcome: 'allowed', resources: { other: { type: 'retention_minimum', id } } });
  });
}
