/**
 * The posture's findings and score, decided from facts the service gathers (pure: no database, no
 * clock). Every finding carries counts only — never a name, never client data — and the fix in
 * plain words with the page that makes it. Weights and thresholds: docs/posture.md.
 */
import { dirname, relative, isAbsolute, resolve } from 'node:path';
import type { FirmRole } from '../../../common/roles.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** What a failing finding costs in the score, by severity (docs/posture.md). */
export const SEVERITY_WEIGHTS: Record<Severity, number> = { critical: 25, high: 15, medium: 8, low: 3 };
const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low'];

export const FINDING_KEYS = [
  'mfa_not_enforced',
  'staff_without_mfa',
  'stale_accounts',
  'leavers_not_disabled',
  'too_many_administrators',
  'backup_stale',
  'drill_stale',
  'master_key_beside_database',
  'audit_verification_failing',
  'audit_verification_stale',
  'gates_off',
  'training_overdue',
  'agreements_expired',
  'access_reviews_overdue',
  'policies_unacknowledged',
] as const;
export type FindingKey = (typeof FINDING_KEYS)[number];

export type StaffRole = Exclude<FirmRole, 'client'>;
export const STAFF_ROLES: StaffRole[] = ['firm_admin', 'compliance_officer', 'attorney', 'paralegal', 'staff'];

export interface Finding {
  key: FindingKey;
  severity: Severity;
  ok: boolean;
  /** What is checked, in plain words. */
  title: string;
  /** The current state in one sentence, with the counts. */
  summary: string;
  /** Counts and days only. */
  figures: Record<string, number | null>;
  /** What to do, and the page of the app where it is done (null: outside the app, e.g. a setting). */
  fix: { text: string; path: string | null; label: string | null };
}

/** People counts of one firm role (the dashboard's "by department": there is no department field). */
export interface RoleCounts {
  role: StaffRole;
  active: number;
  withoutSecondFactor: number;
  stale: number;
  leaving: number;
}

export interface PostureReport {
  /** 0–100: the weight of the passing findings over the weight of all (100: nothing to fix). */
  score: number;
  generatedAt: number;
  /** Failing first, then by severity. */
  findings: Finding[];
  byRole: RoleCounts[];
}

export interface StaffFact {
  role: StaffRole;
  status: 'active' | 'leaving' | 'disabled';
  disabledByAdministrator: boolean;
  leavingOn: number | null;
  createdAt: number;
  hasSecondFactor: boolean;
  lastSignInAt: number | null;
}

export interface PostureFacts {
  now: number;
  thresholds: { backupMaxAgeDays: number; drillMaxAgeDays: number; staleAccountDays: number; maxAdministrators: number };
  mfaRequiredForStaff: boolean;
  gates: { key: string; title: string; enabled: boolean }[];
  staff: StaffFact[];
  backup: { configured: boolean; lastSuccessfulBackupAt: number | null; lastSuccessfulDrillAt: number | null };
  audit: { lastRunAt: number | null; ok: boolean | null; verifyIntervalMinutes: number };
  masterKey: { provider: 'file' | 'env' | 'passphrase'; file: string; dataDir: string; sqlitePath: string | null };
  compliance: {
    agreements: { withoutCurrent: number; expired: number; expiring: number; staff: number };
    training: { overdue: number; expired: number; dueSoon: number; current: number; peopleBehind: number };
    policies: { required: number; peopleMissing: number; pendingAcknowledgements: number; reviewsOverdue: number };
    accessReviews: { openCampaigns: number; undecided: number; overdue: number; daysSinceLastCampaign: number | null };
  };
}

const DAY_MS = 86_400_000;
/** An access review campaign at least once a quarter (issue 19: "e.g. quarterly"), with a week's slack. */
export const ACCESS_REVIEW_MAX_DAYS = 98;

const daysSince = (now: number, at: number | null): number | null => (at === null ? null : Math.floor((now - at) / DAY_MS));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const isActive = (s: StaffFact) => s.status !== 'disabled';

/** Whether `file` lies inside `folder` (or is it). */
function isInside(file: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(file));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function finding(key: FindingKey, severity: Severity, ok: boolean, title: string, summary: string, figures: Finding['figures'], fix: Finding['fix']): Finding {
  return { key, severity, ok, title, summary, figures, fix };
}

export function evaluatePosture(facts: PostureFacts): PostureReport {
  const { now, thresholds } = facts;
  const active = facts.staff.filter(isActive);
  const lastSeen = (s: StaffFact) => s.lastSignInAt ?? s.createdAt;
  const isStale = (s: StaffFact) => now - lastSeen(s) > thresholds.staleAccountDays * DAY_MS;
  const withoutFactor = active.filter((s) => !s.hasSecondFactor);
  const stale = active.filter(isStale);
  const leavers = facts.staff.filter((s) => s.status === 'disabled' && !s.disabledByAdministrator && s.leavingOn !== null && s.leavingOn <= now);
  const leavingSoon = active.filter((s) => s.status === 'leaving');
  const admins = active.filter((s) => s.role === 'firm_admin');
  const mfaGate = facts.gates.find((g) => g.key === 'mfa');
  const mfaGateOn = mfaGate?.enabled ?? false;
  const otherGates = facts.gates.filter((g) => g.key !== 'mfa');
  const gatesOff = otherGates.filter((g) => !g.enabled);
  const backupDays = daysSince(now, facts.backup.lastSuccessfulBackupAt);
  const drillDays = daysSince(now, facts.backup.lastSuccessfulDrillAt);
  const auditHours = facts.audit.lastRunAt === null ? null : Math.floor((now - facts.audit.lastRunAt) / 3_600_000);
  // Two scheduled runs missed (at least a day): the job is not running.
  const auditStaleAfterMs = Math.max(2 * facts.audit.verifyIntervalMinutes * 60_000, DAY_MS);
  const key = facts.masterKey;
  const keyBeside = key.provider === 'file' && (isInside(key.file, key.dataDir) || (key.sqlitePath !== null && resolve(dirname(key.file)) === resolve(dirname(key.sqlitePath))));
  const { agreements, training, policies, accessReviews } = facts.compliance;
  const reviewsLate = accessReviews.overdue > 0 || accessReviews.daysSinceLastCampaign === null || accessReviews.daysSinceLastCampaign > ACCESS_REVIEW_MAX_DAYS;

  const findings: Finding[] = [
    finding(
      'mfa_not_enforced',
      'critical',
      mfaGateOn && facts.mfaRequiredForStaff,
      'A second factor is required',
      mfaGateOn && facts.mfaRequiredForStaff
        ? 'Staff must complete a second factor to sign in, and client data opens only in a session that did.'
        : [!mfaGateOn ? 'The gate “Multi-factor authentication” is off: client data opens without a second factor.' : '', !facts.mfaRequiredForStaff ? 'MFA_REQUIRED_FOR_STAFF is off: staff sign in with a password alone.' : ''].filter(Boolean).join(' '),
      { gateOn: mfaGateOn ? 1 : 0, requiredAtSignIn: facts.mfaRequiredForStaff ? 1 : 0 },
      { text: 'Turn on the gate “Multi-factor authentication” in Access → Gates, and keep MFA_REQUIRED_FOR_STAFF=true in the server settings.', path: '/access/gates', label: 'Open the gates' },
    ),
    finding(
      'staff_without_mfa',
      'high',
      withoutFactor.length === 0,
      'Every active staff member has a second factor',
      withoutFactor.length === 0 ? `All ${plural(active.length, 'active staff account')} have an authenticator app or a passkey.` : `${withoutFactor.length} of ${plural(active.length, 'active staff account')} ${withoutFactor.length === 1 ? 'has' : 'have'} no authenticator app or passkey enrolled.`,
      { people: withoutFactor.length, activeStaff: active.length },
      { text: 'Ask each of them to enrol an authenticator app or a passkey under Account (they must at their next sign-in while MFA_REQUIRED_FOR_STAFF is on); disable accounts nobody uses.', path: '/admin/users', label: 'Open People' },
    ),
    finding(
      'stale_accounts',
      'medium',
      stale.length === 0,
      `No active account unused for ${thresholds.staleAccountDays} days`,
      stale.length === 0 ? `Every active account signed in within ${thresholds.staleAccountDays} days.` : `${plural(stale.length, 'active account')} ${stale.length === 1 ? 'has' : 'have'} not signed in for more than ${thresholds.staleAccountDays} days.`,
      { people: stale.length, days: thresholds.staleAccountDays },
      { text: 'Disable the accounts of people who no longer need Confidant (their sessions and tokens end at once); give a leaving date to people about to go.', path: '/admin/users', label: 'Open People' },
    ),
    finding(
      'leavers_not_disabled',
      'medium',
      leavers.length === 0,
      'Leavers’ accounts are disabled',
      leavers.length === 0
        ? `No account is past its leaving date without being disabled${leavingSoon.length > 0 ? `; ${plural(leavingSoon.length, 'person')} ${leavingSoon.length === 1 ? 'has' : 'have'} a leaving date ahead` : ''}.`
        : `${plural(leavers.length, 'account')} ${leavers.length === 1 ? 'is' : 'are'} past the leaving date and not disabled: sign-in is refused, but seats on matter teams and grants remain.`,
      { people: leavers.length, leavingSoon: leavingSoon.length },
      { text: 'Disable each leaver’s account in People and hand their matters over (team seats, grants, reviews).', path: '/admin/users', label: 'Open People' },
    ),
    finding(
      'too_many_administrators',
      'medium',
      admins.length <= thresholds.maxAdministrators,
      `At most ${plural(thresholds.maxAdministrators, 'firm administrator')}`,
      `${plural(admins.length, 'active firm administrator')} (at most ${thresholds.maxAdministrators} advised).`,
      { administrators: admins.length, max: thresholds.maxAdministrators },
      { text: 'Give the administrators who do not run the system a role they need (a role change goes to a second person for approval).', path: '/admin/users', label: 'Open People' },
    ),
    finding(
      'backup_stale',
      'critical',
      backupDays !== null && backupDays < thresholds.backupMaxAgeDays,
      `A successful backup in the last ${plural(thresholds.backupMaxAgeDays, 'day')}`,
      backupDays === null ? 'No successful backup is recorded.' : `The newest successful backup is ${backupDays === 0 ? 'from today' : `${plural(backupDays, 'day')} old`}.`,
      { daysSinceBackup: backupDays, maxDays: thresholds.backupMaxAgeDays },
      {
        text: facts.backup.configured ? 'Run a backup now on the Backups page and look at why the scheduled ones fail (the alerts say).' : 'Set BACKUP_TO, BACKUP_RECIPIENTS and BACKUP_INTERVAL_HOURS, or run `confidant backup create` on a schedule.',
        path: '/backups',
        label: 'Open Backups',
      },
    ),
    finding(
      'drill_stale',
      'high',
      drillDays !== null && drillDays < thresholds.drillMaxAgeDays,
      `A backup verified by a restore drill in the last ${plural(thresholds.drillMaxAgeDays, 'day')}`,
      drillDays === null ? 'No successful restore drill is recorded: nobody has checked that a backup restores.' : `The newest successful drill is ${drillDays === 0 ? 'from today' : `${plural(drillDays, 'day')} old`}.`,
      { daysSinceDrill: drillDays, maxDays: thresholds.drillMaxAgeDays },
      { text: 'Run a drill on the Backups page (it restores the newest backup into a scratch instance and checks it); set BACKUP_DRILL_IDENTITY_FILE to schedule them.', path: '/backups', label: 'Open Backups' },
    ),
    finding(
      'master_key_beside_database',
      'high',
      !keyBeside,
      'The master key is not stored beside the database',
      keyBeside ? 'The master key file lies in the data folder, next to the database: whoever copies that folder holds both the data and its key.' : key.provider === 'file' ? 'The master key file is kept away from the data folder.' : `The master key comes from the ${key.provider === 'env' ? 'environment' : 'passphrase an operator types at start'}, not from a file beside the database.`,
      { besideDatabase: keyBeside ? 1 : 0 },
      { text: 'Move the key file to another volume and point MASTER_KEY_FILE at it, or use MASTER_KEY_PROVIDER=passphrase (docs/operations.md, “The master key”).', path: null, label: null },
    ),
    finding(
      'audit_verification_failing',
      'critical',
      facts.audit.ok !== false,
      'The audit log verifies',
      facts.audit.ok === false ? 'The last verification of the audit log failed: it may have been tampered with.' : facts.audit.ok === true ? 'The last verification of the audit log passed.' : 'The audit log has not been verified yet.',
      { failing: facts.audit.ok === false ? 1 : 0 },
      { text: 'Open the alert the verification raised, run `confidant audit verify` to see the first bad entry, and start the incident procedure.', path: '/audit/alerts', label: 'Open the alerts' },
    ),
    finding(
      'audit_verification_stale',
      'high',
      facts.audit.lastRunAt !== null && now - facts.audit.lastRunAt <= auditStaleAfterMs,
      'The audit log was verified recently',
      auditHours === null ? 'The scheduled verification of the audit log has never run.' : `The last verification ran ${auditHours < 48 ? plural(auditHours, 'hour') : plural(Math.floor(auditHours / 24), 'day')} ago (it should run every ${plural(Math.round(facts.audit.verifyIntervalMinutes / 60), 'hour')}).`,
      { hoursSinceVerification: auditHours, intervalHours: Math.round(facts.audit.verifyIntervalMinutes / 60) },
      { text: 'Check that the server (or one node) runs its scheduled jobs — the audit page shows the last run — or run `confidant audit verify`.', path: '/audit', label: 'Open the audit log' },
    ),
    finding(
      'gates_off',
      'medium',
      gatesOff.length === 0,
      'The compliance gates are on',
      gatesOff.length === 0 ? `All ${plural(otherGates.length, 'gate')} besides MFA are on.` : `${gatesOff.length} of ${plural(otherGates.length, 'gate')} ${gatesOff.length === 1 ? 'is' : 'are'} off: ${gatesOff.map((g) => `“${g.title}”`).join(', ')}.`,
      { off: gatesOff.length, gates: otherGates.length },
      { text: 'Turn the gates on in Access → Gates once agreements, training and policies are recorded (people without them then lose access to client data).', path: '/access/gates', label: 'Open the gates' },
    ),
    finding(
      'training_overdue',
      'medium',
      training.peopleBehind === 0,
      'Training is up to date',
      training.peopleBehind === 0 ? `No training is overdue${training.dueSoon > 0 ? `; ${plural(training.dueSoon, 'course')} due soon` : ''}.` : `${plural(training.peopleBehind, 'person', 'people')} ${training.peopleBehind === 1 ? 'is' : 'are'} behind: ${plural(training.overdue, 'course')} overdue, ${plural(training.expired, 'course')} expired.`,
      { people: training.peopleBehind, overdue: training.overdue, expired: training.expired, dueSoon: training.dueSoon },
      { text: 'Remind the people behind (reminders go daily) and record their completions, or import them from a CSV file.', path: '/compliance/training', label: 'Open Training' },
    ),
    finding(
      'agreements_expired',
      'medium',
      agreements.withoutCurrent === 0,
      'Every active staff member has a current confidentiality agreement',
      agreements.withoutCurrent === 0 ? `${agreements.staff === 1 ? 'The active staff member has' : `All ${agreements.staff} active staff members have`} a current agreement${agreements.expiring > 0 ? `; ${plural(agreements.expiring, 'ends', 'end')} within 30 days` : ''}.` : `${agreements.withoutCurrent} of ${plural(agreements.staff, 'active staff member')} ${agreements.withoutCurrent === 1 ? 'has' : 'have'} no current agreement (${agreements.expired} expired).`,
      { people: agreements.withoutCurrent, expired: agreements.expired, expiring: agreements.expiring, staff: agreements.staff },
      { text: 'Record each person’s signed agreement, or a renewal for the expired ones.', path: '/compliance/agreements', label: 'Open Agreements' },
    ),
    finding(
      'access_reviews_overdue',
      'medium',
      !reviewsLate,
      'Access reviews are on time',
      accessReviews.overdue > 0
        ? `${plural(accessReviews.overdue, 'review item')} ${accessReviews.overdue === 1 ? 'is' : 'are'} past the deadline without a decision.`
        : accessReviews.daysSinceLastCampaign === null
          ? 'No access review has ever been run.'
          : accessReviews.daysSinceLastCampaign > ACCESS_REVIEW_MAX_DAYS
            ? `The last access review started ${accessReviews.daysSinceLastCampaign} days ago (one a quarter is expected).`
            : `The last access review started ${plural(accessReviews.daysSinceLastCampaign, 'day')} ago; ${plural(accessReviews.undecided, 'item')} still to decide.`,
      { overdue: accessReviews.overdue, undecided: accessReviews.undecided, openCampaigns: accessReviews.openCampaigns, daysSinceLastCampaign: accessReviews.daysSinceLastCampaign },
      { text: 'Start a quarterly access review (each matter’s lead certifies their team); undecided items are revoked at the deadline.', path: '/compliance/reviews', label: 'Open Access reviews' },
    ),
    finding(
      'policies_unacknowledged',
      'low',
      policies.peopleMissing === 0 && policies.reviewsOverdue === 0,
      'Policies are acknowledged and reviewed',
      policies.peopleMissing === 0 && policies.reviewsOverdue === 0
        ? `Every active staff member acknowledged the current version of ${plural(policies.required, 'required policy', 'required policies')}.`
        : [policies.peopleMissing > 0 ? `${plural(policies.peopleMissing, 'person', 'people')} still to acknowledge a required policy.` : '', policies.reviewsOverdue > 0 ? `${plural(policies.reviewsOverdue, 'policy', 'policies')} past ${policies.reviewsOverdue === 1 ? 'its' : 'their'} review date.` : ''].filter(Boolean).join(' '),
      { peopleMissing: policies.peopleMissing, pendingAcknowledgements: policies.pendingAcknowledgements, reviewsOverdue: policies.reviewsOverdue, required: policies.required },
      { text: 'Ask for acknowledgements with a campaign, and review (or mark reviewed) the policies past their date.', path: '/compliance/policies', label: 'Open Policies' },
    ),
  ];

  const total = findings.reduce((sum, f) => sum + SEVERITY_WEIGHTS[f.severity], 0);
  const passing = findings.filter((f) => f.ok).reduce((sum, f) => sum + SEVERITY_WEIGHTS[f.severity], 0);
  const ordered = [...findings].sort((a, b) => Number(a.ok) - Number(b.ok) || SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const byRole = STAFF_ROLES.map((role) => {
    const of = active.filter((s) => s.role === role);
    return { role, active: of.length, withoutSecondFactor: of.filter((s) => !s.hasSecondFactor).length, stale: of.filter(isStale).length, leaving: of.filter((s) => s.status === 'leaving').length };
  });
  return { score: Math.round((100 * passing) / total), generatedAt: now, findings: ordered, byRole };
}
