/**
 * Alert mail that informs instead of spamming: the first alert of a burst waits
 * `audit.alertDigestSeconds` for the rest, then one digest mail lists them all — with people's
 * names and matter numbers, never a client name, a matter title or an id (mail leaves the system
 * and is read on phones). Alerts are claimed in the database before mailing, so a second node or a
 * restart never mails one twice; a failed mail gives them back for the next digest.
 */
import type { AppServices } from '../platform/context.js';
import { systemContext } from '../platform/context.js';
import { claimUnmailedAlerts, existsUnmailedAlert, releaseAlerts, type AlertRow } from './alerts.repository.js';
import { mailNamesFor } from './audit.presenter.js';
import { findEventTargets } from './events.repository.js';
import { auditSettings } from './settings.js';

/** At most this many alerts in one mail; more go in the next digest. */
const MAX_PER_DIGEST = 200;

export const RULE_TITLES: Record<string, string> = {
  bulk_download: 'Bulk download',
  out_of_hours: 'Access outside working hours',
  repeated_denials: 'Repeated denials',
  many_clients: 'Many clients in a short time',
  after_leaving: 'Activity after leaving',
  wall_crossing: 'Ethical wall crossing attempt',
  break_glass: 'Break-glass access',
  integrity_failure: 'Document integrity failure',
  verification_failed: 'Audit log verification failed',
  retention_failure: 'A retention run could not finish a disposition',
  compliance_failure: 'A compliance job could not finish (reminders or access review revocations)',
  backup_failure: 'A scheduled backup or drill failed',
};

const timers = new WeakMap<AppServices, NodeJS.Timeout>();

/** Starts the burst's wait unless one is running (or no compliance address is configured). */
export function scheduleAlertDigest(services: AppServices): void {
  const settings = auditSettings(services.config);
  if (!settings.complianceEmail || timers.has(services)) return;
  const timer = setTimeout(() => {
    timers.delete(services);
    sendAlertDigest(services).catch((error: unknown) => services.logger.error({ err: error instanceof Error ? error.message : 'unknown' }, 'audit alert digest failed'));
  }, settings.alertDigestSeconds * 1000);
  timer.unref();
  timers.set(services, timer);
}

/** At start: alerts left unmailed (a restart during a burst's wait) go out after one wait. */
export async function resumeAlertDigest(services: AppServices): Promise<void> {
  if (await existsUnmailedAlert(services.database.db)) scheduleAlertDigest(services);
}

export function stopAlertDigest(services: AppServices): void {
  const timer = timers.get(services);
  if (timer) clearTimeout(timer);
  timers.delete(services);
}

const time = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** What the rule found, in words (the detail holds counts and codes only). */
export function describeFinding(rule: string, detail: Record<string, number | string>): string {
  const n = (key: string) => (typeof detail[key] === 'number' ? detail[key] : Number(detail[key]));
  switch (rule) {
    case 'bulk_download':
      return `${n('documents')} documents in ${n('windowMinutes')} minutes (threshold ${n('threshold')})`;
    case 'repeated_denials':
      return `${n('denials')} refused attempts in ${n('windowMinutes')} minutes (threshold ${n('threshold')})`;
    case 'many_clients':
      return `${n('clients')} clients in ${n('windowMinutes')} minutes (threshold ${n('threshold')})`;
    case 'out_of_hours':
      return `at ${String(n('hour')).padStart(2, '0')}:00 local time${n('weekend') === 1 ? ' on a weekend' : ''}`;
    case 'verification_failed':
      return `${n('problems')} problem(s)${n('firstBadIndex') >= 0 ? `, first at event ${n('firstBadIndex')}` : ''}`;
    case 'backup_failure':
      return `${String(detail.kind ?? 'backup')}: ${String(detail.code ?? 'error')}`;
    case 'retention_failure':
      return `${String(detail.code ?? 'error')} on ${String(detail.itemType ?? 'an item')} (attempt ${n('attempts')})`;
    case 'compliance_failure':
      return `${String(detail.job ?? 'a job')}: ${n('failures')} failure(s), ${String(detail.code ?? 'error')}`;
    default:
      return typeof detail.action === 'string' ? `action ${detail.action}` : '';
  }
}

/**
 * Mails every alert not yet mailed, in one message, to the compliance address. Returns how many
 * it listed (0: nothing to send, or no address configured).
 */
export async function sendAlertDigest(services: AppServices): Promise<number> {
  const settings = auditSettings(services.config);
  if (!settings.complianceEmail) return 0;
  const db = services.database.db;
  const rows = await claimUnmailedAlerts(db, services.clock.now(), MAX_PER_DIGEST);
  if (rows.length === 0) return 0;
  try {
    await services.mailer.send({ to: settings.complianceEmail, ...(await digestMail(services, rows)) });
  } catch (error) {
    await releaseAlerts(db, rows.map((r) => r.id));
    throw error;
  }
  if (await existsUnmailedAlert(db)) scheduleAlertDigest(services);
  return rows.length;
}

/** The digest's subject and text: names and matter numbers, no ids, no client names, no titles. */
export async function digestMail(services: AppServices, rows: AlertRow[]): Promise<{ subject: string; text: string }> {
  const targets = await findEventTargets(services.database.db, rows.flatMap((r) => (r.first_seq === null ? [] : [Number(r.first_seq)])));
  const matterOf = (row: AlertRow) => (row.first_seq === null ? null : (targets.get(Number(row.first_seq))?.matterId ?? null));
  const names = await mailNamesFor(systemContext(services, 'audit-digest'), { userIds: rows.map((r) => r.actor_id), matterIds: rows.map(matterOf) });
  const critical = rows.filter((r) => r.severity === 'critical').length;
  const contained = rows.filter((r) => r.contained === 1).length;
  const title = (rule: string) => RULE_TITLES[rule] ?? rule;
  const subject =
    rows.length === 1
      ? `[Confidant] Alert: ${title(rows[0]!.rule)}${rows[0]!.contained ? ' (user contained)' : ''}`
      : `[Confidant] ${rows.length} alerts${critical ? `, ${critical} critical` : ''}${contained ? `, ${contained} user(s) contained` : ''}`;
  const lines = rows.map((row) => {
    const who = row.actor_id === null ? 'the system' : (names.users.get(row.actor_id) ?? 'an account Confidant cannot name');
    const matterId = matterOf(row);
    const matter = matterId ? names.matters.get(matterId) : undefined;
    const finding = describeFinding(row.rule, JSON.parse(row.detail) as Record<string, number | string>);
    return [
      `- ${time(Number(row.created_at))}  ${title(row.rule)} (${row.rule}, ${row.severity})`,
      `  Who: ${who}${matter ? ` · Matter ${matter}` : ''}${finding ? ` · ${finding}` : ''}`,
      ...(row.contained ? ['  Contained: their sessions were revoked and they must confirm with their second factor to sign in again.'] : []),
    ].join('\n');
  });
  const first = Number(rows[0]!.created_at);
  const last = Number(rows[rows.length - 1]!.created_at);
  const text = [
    rows.length === 1 ? `One alert was raised at ${time(first)}:` : `${rows.length} alerts were raised between ${time(first)} and ${time(last)}:`,
    '',
    ...lines,
    '',
    `Review and acknowledge them under Audit → Alerts: ${services.config.publicUrl}/audit/alerts`,
    'Every alert and containment is in the audit log.',
  ].join('\n');
  return { subject, text };
}
