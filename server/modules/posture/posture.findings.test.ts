/** The posture's decisions without a database: the master key beside the database, the score's weights, staleness thresholds. */
import { describe, expect, it } from 'vitest';
import { evaluatePosture, SEVERITY_WEIGHTS, type PostureFacts } from './posture.findings.js';

const NOW = Date.UTC(2026, 11, 4, 12);
const DAY = 86_400_000;

function facts(overrides: Partial<PostureFacts> = {}): PostureFacts {
  return {
    now: NOW,
    thresholds: { backupMaxAgeDays: 2, drillMaxAgeDays: 30, staleAccountDays: 90, maxAdministrators: 2 },
    mfaRequiredForStaff: true,
    gates: [
      { key: 'mfa', title: 'MFA', enabled: true },
      { key: 'confidentiality_agreement', title: 'Agreement', enabled: true },
    ],
    staff: [{ role: 'attorney', status: 'active', disabledByAdministrator: false, leavingOn: null, createdAt: NOW - 400 * DAY, hasSecondFactor: true, lastSignInAt: NOW - DAY }],
    backup: { configured: true, lastSuccessfulBackupAt: NOW - DAY, lastSuccessfulDrillAt: NOW - 3 * DAY },
    audit: { lastRunAt: NOW - 3_600_000, ok: true, verifyIntervalMinutes: 1440 },
    masterKey: { provider: 'file', file: '/srv/keys/master.key', dataDir: '/var/lib/confidant', sqlitePath: '/var/lib/confidant/confidant.db' },
    compliance: {
      agreements: { withoutCurrent: 0, expired: 0, expiring: 0, staff: 1 },
      training: { overdue: 0, expired: 0, dueSoon: 0, current: 1, peopleBehind: 0 },
      policies: { required: 1, peopleMissing: 0, pendingAcknowledgements: 0, reviewsOverdue: 0 },
      accessReviews: { openCampaigns: 0, undecided: 0, overdue: 0, daysSinceLastCampaign: 10 },
    },
    ...overrides,
  };
}
const of = (report: ReturnType<typeof evaluatePosture>, key: string) => report.findings.find((f) => f.key === key)!;

describe('evaluatePosture', () => {
  it('scores 100 when nothing fails, and every finding names a fix', () => {
    const report = evaluatePosture(facts());
    expect(report.findings.filter((f) => !f.ok)).toEqual([]);
    expect(report.score).toBe(100);
    expect(report.findings.length).toBe(15);
  });

  it('the master key beside the database: inside the data folder, or in the SQLite file’s folder', () => {
    expect(of(evaluatePosture(facts({ masterKey: { provider: 'file', file: '/var/lib/confidant/keys/master.key', dataDir: '/var/lib/confidant', sqlitePath: null } })), 'master_key_beside_database').ok).toBe(false);
    expect(of(evaluatePosture(facts({ masterKey: { provider: 'file', file: '/db/master.key', dataDir: '/var/lib/confidant', sqlitePath: '/db/confidant.db' } })), 'master_key_beside_database').ok).toBe(false);
    expect(of(evaluatePosture(facts({ masterKey: { provider: 'file', file: '/var/lib/confidant-keys/master.key', dataDir: '/var/lib/confidant', sqlitePath: null } })), 'master_key_beside_database').ok).toBe(true);
    expect(of(evaluatePosture(facts({ masterKey: { provider: 'passphrase', file: '/var/lib/confidant/keys/master.key', dataDir: '/var/lib/confidant', sqlitePath: null } })), 'master_key_beside_database').ok).toBe(true);
  });

  it('the score is the passing weight over the total, and failing findings come first by severity', () => {
    const total = 3 * SEVERITY_WEIGHTS.critical + 4 * SEVERITY_WEIGHTS.high + 7 * SEVERITY_WEIGHTS.medium + SEVERITY_WEIGHTS.low;
    const report = evaluatePosture(facts({ audit: { lastRunAt: NOW, ok: false, verifyIntervalMinutes: 1440 }, compliance: { ...facts().compliance, policies: { required: 1, peopleMissing: 2, pendingAcknowledgements: 2, reviewsOverdue: 0 } } }));
    expect(report.score).toBe(Math.round((100 * (total - SEVERITY_WEIGHTS.critical - SEVERITY_WEIGHTS.low)) / total));
    expect(report.findings.slice(0, 2).map((f) => f.key)).toEqual(['audit_verification_failing', 'policies_unacknowledged']);
  });

  it('thresholds: a backup of exactly N days fails, an access review older than a quarter fails, a verification two intervals old is stale', () => {
    const report = evaluatePosture(facts({ backup: { configured: true, lastSuccessfulBackupAt: NOW - 2 * DAY, lastSuccessfulDrillAt: null }, audit: { lastRunAt: NOW - 49 * 3_600_000, ok: true, verifyIntervalMinutes: 1440 }, compliance: { ...facts().compliance, accessReviews: { openCampaigns: 0, undecided: 0, overdue: 0, daysSinceLastCampaign: 120 } } }));
    expect(of(report, 'backup_stale').ok).toBe(false);
    expect(of(report, 'drill_stale').ok).toBe(false);
    expect(of(report, 'audit_verification_stale').ok).toBe(false);
    expect(of(report, 'access_reviews_overdue').ok).toBe(false);
  });
});
