/** Scheduled verification: runs the full check, keeps the last result, and alerts on failure. */
import type { AppServices } from '../platform/context.js';
import { raiseAlert } from './alerts.js';
import { readCursor, serialized, writeCursor } from './cursors.js';
import { verifyLog, type VerificationReport } from './verify.js';

const STATUS = 'verification';

export interface VerificationStatus {
  lastRunAt: number | null;
  report: VerificationReport | null;
}

export const runScheduledVerification = serialized(async (services: AppServices) => {
  let report: VerificationReport;
  try {
    report = await verifyLog(services);
  } catch (error) {
    report = {
      ok: false, events: 0, root: '', checkpointsChecked: 0, nodesChecked: 0, firstBadIndex: null,
      problems: [`verification could not run: ${error instanceof Error ? error.message.slice(0, 200) : 'unknown'}`], durationMs: 0,
    };
  }
  await writeCursor(services, STATUS, report.events, JSON.stringify({ at: services.clock.now(), report }));
  if (!report.ok) {
    await raiseAlert(services, {
      rule: 'verification_failed',
      actorId: null,
      severity: 'critical',
      firstIndex: report.firstBadIndex,
      lastIndex: null,
      detail: { problems: report.problems.length, firstBadIndex: report.firstBadIndex ?? -1 },
      contain: false,
    });
  }
});

export async function verificationStatus(services: AppServices): Promise<VerificationStatus> {
  const { status } = await readCursor(services, STATUS);
  if (!status) return { lastRunAt: null, report: null };
  const parsed = JSON.parse(status) as { at: number; report: VerificationReport };
  return { lastRunAt: parsed.at, report: parsed.report };
}
