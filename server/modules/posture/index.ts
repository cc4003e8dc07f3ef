/**
 * posture: the firm's security and compliance posture (issue 19, point 7) — findings read from the
 * other modules through their index.ts (identity, access gates, backup, audit, the master key
 * setting, compliance), each with its fix; a score 0–100; one snapshot per day for the trend.
 * `GET /compliance/posture`, `GET /compliance/posture/trend`. See docs/posture.md.
 */
import type { ConfidantModule } from '../../platform/module.js';
import { postureRoutes } from './posture.routes.js';
import { JOB_POSTURE_SNAPSHOT, takePostureSnapshot } from './posture.service.js';

/**
 * `postureReport(ctx)`: the score and findings now, for the dashboard and the evidence pack
 * (compliance.manage, or a system context). Counts only: no names, no client data. Throws
 * ACCESS_DENIED (404, audited) for anyone else.
 * `postureTrend(ctx, days)`: the daily snapshots of the last `days` days. Throws ACCESS_DENIED.
 * `takePostureSnapshot(services)`: today's snapshot unless one exists (the daily job); returns
 * whether it took one.
 */
export { postureReport, postureTrend, takePostureSnapshot, JOB_POSTURE_SNAPSHOT, type TrendPoint } from './posture.service.js';
export { SEVERITY_WEIGHTS, FINDING_KEYS, type PostureReport, type Finding, type FindingKey, type Severity, type RoleCounts } from './posture.findings.js';

const HOUR_MS = 3_600_000;

export const postureModule: ConfidantModule = {
  name: 'posture',
  routes: async (app) => postureRoutes(app),
  start: async (services) => {
    services.jobs.register(JOB_POSTURE_SNAPSHOT, async () => void (await takePostureSnapshot(services)), { retryLimit: 2 });
    // Hourly: the first run of each UTC day takes the snapshot, the others find it there.
    services.jobs.schedule(JOB_POSTURE_SNAPSHOT, HOUR_MS);
  },
};
