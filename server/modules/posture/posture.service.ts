/**
 * The posture dashboard (issue 19, point 7): findings from the other modules, read through their
 * index.ts only — identity (accounts, second factors, sign-ins), access (gates), backup (last
 * successful backup and drill), audit (last verification), the configuration (master key) and
 * compliance (agreements, training, policies, access reviews) — a score, and one snapshot a day
 * for the trend. `compliance.manage`: the firm administrator and the compliance officer.
 */
import type { Permission } from '../../../common/permissions.js';
import { canAccess, listGateSettings, requireAccess } from '../../access/index.js';
import { verificationStatus } from '../../audit/index.js';
import { systemContext, type AppServices, type RequestContext } from '../../platform/context.js';
import { newId } from '../../platform/ids.js';
import { lastSuccessfulRun } from '../backup/index.js';
import { complianceSummary } from '../compliance/index.js';
import { staffSecurityFacts } from '../identity/index.js';
import { evaluatePosture, type Finding, type PostureFacts, type PostureReport, type RoleCounts } from './posture.findings.js';
import { findSnapshotOfDay, findSnapshotsSince, insertSnapshotOnce } from './posture.repository.js';

const FIRM = { kind: 'firm' } as const;
const DAY_MS = 86_400_000;
export const JOB_POSTURE_SNAPSHOT = 'posture.snapshot';

/** The UTC day of an instant, YYYY-MM-DD. */
export const dayOf = (at: number): string => new Date(at).toISOString().slice(0, 10);

/** Everything the findings are decided on, gathered through the other modules' public APIs. */
async function gatherFacts(ctx: RequestContext): Promise<PostureFacts> {
  const { config } = ctx.app;
  const [gates, staff, backup, drill, verification, compliance] = await Promise.all([
    listGateSettings(ctx),
    staffSecurityFacts(ctx.app),
    lastSuccessfulRun(ctx.app, 'backup'),
    lastSuccessfulRun(ctx.app, 'drill'),
    verificationStatus(ctx.app),
    complianceSummary(ctx),
  ]);
  return {
    now: ctx.app.clock.now(),
    thresholds: config.posture,
    mfaRequiredForStaff: config.identity.mfaRequiredForStaff,
    gates: gates.map((g) => ({ key: g.key, title: g.title, enabled: g.enabled })),
    staff,
    backup: { configured: config.backup.to !== null && config.backup.recipients.length > 0, lastSuccessfulBackupAt: backup?.at ?? null, lastSuccessfulDrillAt: drill?.at ?? null },
    audit: { lastRunAt: verification.lastRunAt, ok: verification.report ? verification.report.ok : null, verifyIntervalMinutes: config.audit.verifyIntervalMinutes },
    masterKey: { provider: config.masterKey.provider, file: config.masterKey.file, dataDir: config.dataDir, sqlitePath: config.database.kind === 'sqlite' ? config.database.sqlitePath : null },
    compliance,
  };
}

/**
 * The score and findings now (compliance.manage; the firm administrator and the compliance
 * officer). Counts only: no names, no client data. Throws ACCESS_DENIED (404).
 */
export async function postureReport(ctx: RequestContext): Promise<PostureReport> {
  await requireAccess(ctx, 'compliance.manage', FIRM, { purpose: 'posture' });
  return evaluatePosture(await gatherFacts(ctx));
}

function snapshotRow(report: PostureReport) {
  return {
    id: newId(),
    day: dayOf(report.generatedAt),
    taken_at: report.generatedAt,
    score: report.score,
    failing: report.findings.filter((f) => !f.ok).length,
    findings: JSON.stringify(report.findings.map((f) => ({ key: f.key, ok: f.ok, severity: f.severity }))),
    by_role: JSON.stringify(report.byRole),
  };
}

/** Who may open each fix's page, and who to ask otherwise (the web app's pages decide the same way). */
const FIX_PAGES: Record<string, { permission: Permission; otherwise: string }> = {
  '/admin/users': { permission: 'user.manage', otherwise: 'the firm administrator' },
  '/access/gates': { permission: 'settings.manage', otherwise: 'the firm administrator' },
  '/backups': { permission: 'audit.status.read', otherwise: 'the firm administrator' },
  '/audit': { permission: 'audit.read', otherwise: 'the compliance officer' },
  '/audit/alerts': { permission: 'audit.read', otherwise: 'the compliance officer' },
  '/compliance/reviews': { permission: 'access_review.manage', otherwise: 'the compliance officer' },
};

/** A fix whose page the viewer cannot open names who does it instead of linking to a not-found page (silent checks). */
async function fixesForViewer(ctx: RequestContext, findings: Finding[]): Promise<Finding[]> {
  const mayOpen = new Map<string, boolean>();
  for (const path of new Set(findings.flatMap((f) => (f.fix.path ? [f.fix.path] : [])))) {
    const page = FIX_PAGES[path];
    mayOpen.set(path, page ? await canAccess(ctx, page.permission, FIRM) : true);
  }
  return findings.map((f) => {
    if (!f.fix.path || mayOpen.get(f.fix.path)) return f;
    return { ...f, fix: { text: `Ask ${FIX_PAGES[f.fix.path]!.otherwise}: ${f.fix.text}`, path: null, label: null } };
  });
}

/**
 * The dashboard: the report (each fix linked when the viewer may open its page), and today's
 * snapshot taken from it when the daily job has not run yet. Throws ACCESS_DENIED.
 */
export async function getPosture(ctx: RequestContext): Promise<PostureReport> {
  const report = await postureReport(ctx);
  if (!(await findSnapshotOfDay(ctx, dayOf(report.generatedAt)))) await insertSnapshotOnce(ctx, snapshotRow(report));
  return { ...report, findings: await fixesForViewer(ctx, report.findings) };
}

export interface TrendPoint {
  day: string;
  score: number;
  failing: number;
  findings: { key: Finding['key']; ok: boolean }[];
  byRole: RoleCounts[];
}

/** The daily snapshots of the last `days` days (today included), oldest first. Throws ACCESS_DENIED. */
export async function postureTrend(ctx: RequestContext, days: number): Promise<{ days: number; points: TrendPoint[] }> {
  await requireAccess(ctx, 'compliance.manage', FIRM, { purpose: 'posture.trend' });
  const from = dayOf(ctx.app.clock.now() - (days - 1) * DAY_MS);
  const rows = await findSnapshotsSince(ctx, from);
  return {
    days,
    points: rows.map((r) => ({
      day: r.day,
      score: r.score,
      failing: r.failing,
      findings: (JSON.parse(r.findings) as { key: Finding['key']; ok: boolean }[]).map(({ key, ok }) => ({ key, ok })),
      byRole: JSON.parse(r.by_role) as RoleCounts[],
    })),
  };
}

/** The daily job: one snapshot per UTC day (a second run, or a second node, adds nothing). Returns whether it took one. */
export async function takePostureSnapshot(services: AppServices): Promise<boolean> {
  const ctx = systemContext(services, 'posture.snapshot');
  if (await findSnapshotOfDay(ctx, dayOf(services.clock.now()))) return false;
  const report = await postureReport(ctx);
  return insertSnapshotOnce(ctx, snapshotRow(report));
}
