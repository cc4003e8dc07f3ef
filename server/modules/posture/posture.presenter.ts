/** Explicit allowlists from the posture's values to API shapes. */
import type { PostureReport } from './posture.findings.js';

export function presentPosture(report: PostureReport) {
  return {
    score: report.score,
    generatedAt: new Date(report.generatedAt).toISOString(),
    findings: report.findings.map((f) => ({ key: f.key, severity: f.severity, ok: f.ok, title: f.title, summary: f.summary, figures: f.figures, fix: { text: f.fix.text, path: f.fix.path, label: f.fix.label } })),
    byRole: report.byRole.map(({ role, active, withoutSecondFactor, stale, leaving }) => ({ role, active, withoutSecondFactor, stale, leaving })),
  };
}
