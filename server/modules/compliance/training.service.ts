/**
 * Training: courses per firm role with a pass mark, a refresher cycle and a due window;
 * completions with their assessment score (recorded one by one or imported from CSV, all rows or
 * none). The `confidentiality_training` gate counts passed, unexpired completions of the courses
 * marked confidentiality. Managed by compliance.manage; each person sees their own (compliance.self).
 */
import { bumpPolicyVersion, requireAccess } from '../../access/index.js';
import { recordEvent } from '../../audit/index.js';
import type { FirmRole } from '../../../common/roles.js';
import { inTransaction, type RequestContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { findCompletions, findCourse, findCourses, insertCompletions, insertCourse, updateCourse } from './compliance.repository.js';
import { activeStaff, actorIdOf, checkPeople, DAY_MS, dayOf, fieldError, FIRM, labelsFor, parseDay, parseRoles, personOf, type StaffMember } from './compliance.support.js';
import type { ComplianceCompletionsTable, ComplianceCoursesTable } from './compliance.tables.js';
import { parseCsv } from './csv.js';

/** A completion expiring within this many days is "expiring"; a course due within it is reminded. */
export const TRAINING_NOTICE_DAYS = 14;
export const MAX_IMPORT_ROWS = 5000;

export interface CourseInput {
  title: string;
  description?: string | null;
  roles: FirmRole[];
  passMark: number;
  refresherDays?: number | null;
  dueWithinDays?: number;
  confidentiality?: boolean;
}

export interface CourseView {
  id: string;
  title: string;
  description: string | null;
  roles: FirmRole[];
  passMark: number;
  refresherDays: number | null;
  dueWithinDays: number;
  confidentiality: boolean;
  status: 'active' | 'retired';
  createdAt: number;
}

export interface CompletionView {
  id: string;
  course: { id: string; title: string };
  person: { id: string; name: string };
  completedOn: string;
  score: number | null;
  passed: boolean;
  expiresOn: string | null;
  source: 'manual' | 'import';
}

export type TrainingState = 'current' | 'expiring' | 'due' | 'overdue' | 'expired';

export interface TrainingStatusView {
  person: { id: string; name: string };
  role: FirmRole;
  course: { id: string; title: string };
  state: TrainingState;
  /** When it is (or was) due: the refresher date, or the end of the due window. */
  dueOn: string | null;
  lastScore: number | null;
}

const courseView = (c: ComplianceCoursesTable): CourseView => ({
  id: c.id,
  title: c.title,
  description: c.description,
  roles: parseRoles(c.roles),
  passMark: c.pass_mark,
  refresherDays: c.refresher_days,
  dueWithinDays: c.due_within_days,
  confidentiality: c.confidentiality === 1,
  status: c.status,
  createdAt: Number(c.created_at),
});

async function courseOrNotFound(ctx: RequestContext, id: string): Promise<ComplianceCoursesTable> {
  const row = await findCourse(ctx, id);
  if (!row) throw new AppError('NOT_FOUND', 'No such course');
  return row;
}

/** Every course (compliance.manage). Throws ACCESS_DENIED. */
export async function findTrainingCourses(ctx: RequestContext): Promise<CourseView[]> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  return (await findCourses(ctx)).map(courseView);
}

/** Creates a course. Throws ACCESS_DENIED, VALIDATION_FAILED. */
export async function createCourse(ctx: RequestContext, input: CourseInput): Promise<CourseView> {
  return inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'compliance.manage', FIRM);
    const title = input.title.trim();
    if (title === '') throw fieldError('body.title', 'must not be blank');
    if (input.roles.length === 0) throw fieldError('body.roles', 'must name at least one role');
    const now = tx.app.clock.now();
    const row: ComplianceCoursesTable = {
      id: newId(now),
      title,
      description: input.description?.trim() || null,
      roles: JSON.stringify([...new Set(input.roles)]),
      pass_mark: input.passMark,
      refresher_days: input.refresherDays ?? null,
      due_within_days: input.dueWithinDays ?? 30,
      confidentiality: input.confidentiality ? 1 : 0,
      status: 'active',
      created_by: actorIdOf(tx),
      created_at: now,
    };
    if (row.confidentiality === 1) await bumpPolicyVersion(tx);
    await insertCourse(tx, row);
    await recordEvent(tx, { action: 'compliance.course.create', outcome: 'allowed', resources: { other: { type: 'course', id: row.id } } });
    return courseView(row);
  });
}

/** Changes a course (roles, pass mark, cycle, confidentiality, status). Completions already recorded keep their expiry. Throws ACCESS_DENIED, NOT_FOUND, VALIDATION_FAILED. */
export async function changeCourse(ctx: RequestContext, id: string, patch: Partial<CourseInput> & { status?: 'active' | 'retired' }): Promise<CourseView> {
  return inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'compliance.manage', FIRM);
    const row = await courseOrNotFound(tx, id);
    const next: Partial<ComplianceCoursesTable> = {};
    if (patch.title !== undefined) {
      if (patch.title.trim() === '') throw fieldError('body.title', 'must not be blank');
      next.title = patch.title.trim();
    }
    if (patch.description !== undefined) next.description = patch.description?.trim() || null;
    if (patch.roles !== undefined) {
      if (patch.roles.length === 0) throw fieldError('body.roles', 'must name at least one role');
      next.roles = JSON.stringify([...new Set(patch.roles)]);
    }
    if (patch.passMark !== undefined) next.pass_mark = patch.passMark;
    if (patch.refresherDays !== undefined) next.refresher_days = patch.refresherDays;
    if (patch.dueWithinDays !== undefined) next.due_within_days = patch.dueWithinDays;
    if (patch.confidentiality !== undefined) next.confidentiality = patch.confidentiality ? 1 : 0;
    if (patch.status !== undefined) next.status = patch.status;
    // Roles, confidentiality and status decide the training gate.
    await bumpPolicyVersion(tx);
    await updateCourse(tx, id, next);
    await recordEvent(tx, { action: 'compliance.course.update', outcome: 'allowed', resources: { other: { type: 'course', id } } });
    return courseView({ ...row, ...next });
  });
}

function completionRow(ctx: RequestContext, course: ComplianceCoursesTable, userId: string, completedAt: number, score: number | null, source: 'manual' | 'import'): ComplianceCompletionsTable {
  const now = ctx.app.clock.now();
  return {
    id: newId(now),
    course_id: course.id,
    user_id: userId,
    completed_at: completedAt,
    score,
    passed: score === null || score >= course.pass_mark ? 1 : 0,
    expires_at: course.refresher_days === null ? null : completedAt + course.refresher_days * DAY_MS,
    source,
    recorded_by: actorIdOf(ctx),
    created_at: now,
  };
}

async function completionViews(ctx: RequestContext, rows: ComplianceCompletionsTable[]): Promise<CompletionView[]> {
  const courses = new Map((await findCourses(ctx)).map((c) => [c.id, c]));
  const labels = await labelsFor(ctx, rows.map((r) => r.user_id));
  return rows.map((r) => ({
    id: r.id,
    course: { id: r.course_id, title: courses.get(r.course_id)?.title ?? 'Course' },
    person: personOf(labels, r.user_id),
    completedOn: dayOf(Number(r.completed_at))!,
    score: r.score,
    passed: r.passed === 1,
    expiresOn: dayOf(r.expires_at === null ? null : Number(r.expires_at)),
    source: r.source,
  }));
}

/** Records one completion; without a score it counts as passed (an attendance-only course). Throws ACCESS_DENIED, NOT_FOUND, VALIDATION_FAILED. */
export async function recordCompletion(ctx: RequestContext, input: { courseId: string; userId: string; completedDate: string; score?: number | null }): Promise<CompletionView> {
  const row = await inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'compliance.manage', FIRM);
    const course = await findCourse(tx, input.courseId);
    if (!course) throw fieldError('body.courseId', 'must name a course');
    await checkPeople(tx, [input.userId], 'body.userId');
    const completed = parseDay(input.completedDate, 'body.completedDate');
    if (completed > tx.app.clock.now()) throw fieldError('body.completedDate', 'must not be in the future');
    await bumpPolicyVersion(tx);
    const row = completionRow(tx, course, input.userId, completed, input.score ?? null, 'manual');
    await insertCompletions(tx, [row]);
    await recordEvent(tx, { action: 'compliance.training.record', outcome: 'allowed', reason: row.passed === 1 ? 'PASSED' : 'FAILED', resources: { userId: input.userId, other: { type: 'course', id: course.id } } });
    return row;
  });
  return (await completionViews(ctx, [row]))[0]!;
}

/** Completions, optionally of one person or course (compliance.manage). Throws ACCESS_DENIED. */
export async function findTrainingCompletions(ctx: RequestContext, filter: { userId?: string; courseId?: string } = {}): Promise<CompletionView[]> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  return completionViews(ctx, await findCompletions(ctx, filter));
}

/**
 * Imports completions from CSV with the header `email,course,completed,score` (course by its
 * title or id, completed as YYYY-MM-DD, score 0–100 or empty). Every bad row is reported by its
 * line number (TRAINING_IMPORT_INVALID, fields `body.csv` with "line N: …") and then nothing is
 * imported; otherwise all rows are, in one transaction. Throws ACCESS_DENIED, TRAINING_IMPORT_INVALID.
 */
export async function importCompletions(ctx: RequestContext, csv: string): Promise<{ imported: number; passed: number; failed: number }> {
  return inTransaction(ctx, async (tx) => {
    await requireAccess(tx, 'compliance.manage', FIRM);
    const problems: { path: string; message: string }[] = [];
    const problem = (line: number, message: string) => problems.push({ path: 'body.csv', message: `line ${line}: ${message}` });
    const parsed = parseCsv(csv);
    if (parsed.error) problem(parsed.error.line, parsed.error.message);
    const [header, ...rows] = parsed.rows;
    const columns = header?.cells.map((c) => c.trim().toLowerCase()) ?? [];
    const at = (name: string) => columns.indexOf(name);
    const missing = ['email', 'course', 'completed'].filter((c) => at(c) < 0);
    if (!header || missing.length > 0) {
      problem(header?.line ?? 1, `the header must name the columns email, course, completed (and optionally score)${missing.length ? `; missing ${missing.join(', ')}` : ''}`);
      throw new AppError('TRAINING_IMPORT_INVALID', 'The file has no usable header: nothing was imported', problems);
    }
    if (rows.length === 0) problem(header.line, 'there are no rows after the header');
    if (rows.length > MAX_IMPORT_ROWS) problem(rows[MAX_IMPORT_ROWS]!.line, `at most ${MAX_IMPORT_ROWS} rows per import`);
    const courses = await findCourses(tx);
    const byTitle = new Map(courses.map((c) => [c.title.toLowerCase(), c]));
    const byId = new Map(courses.map((c) => [c.id, c]));
    const staff = new Map((await activeStaff(tx)).map((u) => [u.email.toLowerCase(), u]));
    const now = tx.app.clock.now();
    const out: ComplianceCompletionsTable[] = [];
    for (const row of rows.slice(0, MAX_IMPORT_ROWS)) {
      const cell = (name: string) => (at(name) >= 0 ? (row.cells[at(name)] ?? '').trim() : '');
      const before = problems.length;
      const person = staff.get(cell('email').toLowerCase());
      if (!person) problem(row.line, cell('email') === '' ? 'email is empty' : 'email is not an active staff member of this firm');
      const courseName = cell('course');
      const course = byId.get(courseName) ?? byTitle.get(courseName.toLowerCase());
      if (!course) problem(row.line, courseName === '' ? 'course is empty' : 'course is not a known course');
      const day = cell('completed');
      const completed = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00.000Z`) : NaN;
      if (!Number.isFinite(completed) || dayOf(completed) !== day) problem(row.line, 'completed must be a real day, YYYY-MM-DD');
      else if (completed > now) problem(row.line, 'completed must not be in the future');
      const scoreText = cell('score');
      const score = scoreText === '' ? null : /^\d{1,3}$/.test(scoreText) && Number(scoreText) <= 100 ? Number(scoreText) : NaN;
      if (Number.isNaN(score)) problem(row.line, 'score must be a whole number from 0 to 100, or empty');
      if (problems.length === before && person && course) out.push(completionRow(tx, course, person.id, completed, score, 'import'));
    }
    if (problems.length > 0) throw new AppError('TRAINING_IMPORT_INVALID', `${problems.length} problem(s) in the file: nothing was imported`, problems.slice(0, 200));
    await bumpPolicyVersion(tx);
    await insertCompletions(tx, out);
    await recordEvent(tx, { action: 'compliance.training.import', outcome: 'allowed', resources: { other: { type: 'result_count', id: String(out.length) } } });
    const passed = out.filter((r) => r.passed === 1).length;
    return { imported: out.length, passed, failed: out.length - passed };
  });
}

/** Each person's state in each course of their role (pure: the caller loaded the rows). */
export function trainingStates(staff: StaffMember[], courses: ComplianceCoursesTable[], completions: ComplianceCompletionsTable[], now: number): { user: StaffMember; course: ComplianceCoursesTable; state: TrainingState; dueAt: number | null; lastScore: number | null }[] {
  const out: { user: StaffMember; course: ComplianceCoursesTable; state: TrainingState; dueAt: number | null; lastScore: number | null }[] = [];
  const byKey = new Map<string, ComplianceCompletionsTable[]>();
  for (const c of completions) byKey.set(`${c.user_id}:${c.course_id}`, [...(byKey.get(`${c.user_id}:${c.course_id}`) ?? []), c]);
  for (const course of courses.filter((c) => c.status === 'active')) {
    const roles = parseRoles(course.roles);
    for (const user of staff.filter((u) => roles.includes(u.role))) {
      const mine = (byKey.get(`${user.id}:${course.id}`) ?? []).sort((a, b) => Number(b.completed_at) - Number(a.completed_at));
      const passed = mine.find((c) => c.passed === 1);
      const lastScore = mine[0]?.score ?? null;
      if (passed) {
        const expires = passed.expires_at === null ? null : Number(passed.expires_at);
        if (expires === null || expires > now) {
          out.push({ user, course, state: expires !== null && expires - now <= TRAINING_NOTICE_DAYS * DAY_MS ? 'expiring' : 'current', dueAt: expires, lastScore });
        } else out.push({ user, course, state: 'expired', dueAt: expires, lastScore });
        continue;
      }
      const dueAt = Math.max(Number(course.created_at), user.createdAt) + course.due_within_days * DAY_MS;
      out.push({ user, course, state: dueAt <= now ? 'overdue' : 'due', dueAt, lastScore });
    }
  }
  return out;
}

/** Everyone's training state (compliance.manage). Throws ACCESS_DENIED. */
export async function findTrainingStatus(ctx: RequestContext): Promise<TrainingStatusView[]> {
  await requireAccess(ctx, 'compliance.manage', FIRM);
  const states = trainingStates(await activeStaff(ctx), await findCourses(ctx), await findCompletions(ctx, {}), ctx.app.clock.now());
  return states.map((s) => ({ person: { id: s.user.id, name: s.user.name }, role: s.user.role, course: { id: s.course.id, title: s.course.title }, state: s.state, dueOn: dayOf(s.dueAt), lastScore: s.lastScore }));
}

/** My courses and their state (compliance.self). */
export async function myTraining(ctx: RequestContext): Promise<TrainingStatusView[]> {
  await requireAccess(ctx, 'compliance.self', FIRM);
  const self = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  if (!self) return [];
  const users = await checkPeople(ctx, [self], 'actor').catch(() => new Map<string, StaffMember>());
  const me = users.get(self);
  if (!me) return [];
  const states = trainingStates([me], await findCourses(ctx), await findCompletions(ctx, { userId: self }), ctx.app.clock.now());
  return states.map((s) => ({ person: { id: me.id, name: me.name }, role: me.role, course: { id: s.course.id, title: s.course.title }, state: s.state, dueOn: dayOf(s.dueAt), lastScore: s.lastScore }));
}
