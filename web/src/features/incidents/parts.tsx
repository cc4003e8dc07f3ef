// Small pieces the incident pages share: the words for steps, severities, deadlines and
// containment actions, a saved-message line, a confirmation, and datetime-local helpers.
import { Confirmation as SharedConfirmation, type ConfirmationProps } from '../../components';
import { useSession } from '../identity';
import type { Severity, Status } from './api';

/** The compliance officer (incident.manage) sees every incident; anyone else their own reports. */
export function useIsOfficer(): boolean {
  return useSession().state?.user.role === 'compliance_officer';
}

export const STEPS: Status[] = ['reported', 'triaged', 'contained', 'assessed', 'notified', 'remediated', 'closed'];

export const STATUS_WORDS: Record<Status, string> = {
  reported: 'Reported',
  triaged: 'Triaged',
  contained: 'Contained',
  assessed: 'Assessed',
  notified: 'Notified',
  remediated: 'Remediated',
  closed: 'Closed',
};

/** What each step means, for the "Move to …" button's explanation. */
export const STEP_MEANING: Record<Status, string> = {
  reported: 'Someone reported it.',
  triaged: 'The response team has looked at it and decided how serious it is.',
  contained: 'The harm is stopped: accounts disabled or sessions ended where needed.',
  assessed: 'The scope is known. The scope is frozen into the incident when it is assessed.',
  notified: 'Regulators, clients and the people affected are told where the rules require it. The deadline clocks stop.',
  remediated: 'The cause is fixed.',
  closed: 'The post-incident review is done: every corrective action is done.',
};

export const nextStep = (status: Status): Status | null => STEPS[STEPS.indexOf(status) + 1] ?? null;

export const SEVERITY_WORDS: Record<Severity, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

export const SEVERITY_OPTIONS: { value: Severity; label: string }[] = [
  { value: 'low', label: 'Low — no client data is likely to be affected' },
  { value: 'medium', label: 'Medium — client data may be affected' },
  { value: 'high', label: 'High — client data is likely affected' },
  { value: 'critical', label: 'Critical — client data is affected now, or many clients' },
];

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`inc-badge inc-sev-${severity}`}>{SEVERITY_WORDS[severity]}</span>;
}

export function StatusBadge({ status }: { status: Status }) {
  return <span className={`inc-badge inc-status${status === 'closed' ? ' inc-status-closed' : ''}`}>{STATUS_WORDS[status]}</span>;
}

export const CLOCK_WORDS: Record<string, string> = { running: 'Running', due_soon: 'Due soon', overdue: 'Overdue', stopped: 'Stopped' };

export const CONTAINMENT_WORDS: Record<string, string> = { disable_account: 'Account disabled', end_sessions: 'Sessions ended', revoke_disclosures: 'Disclosures revoked' };

export const NOTIFY_WORDS: Record<string, string> = { regulator: 'Regulator', data_subjects: 'The people affected', clients: 'Clients' };

/** "71 h 59 min", "12 min" under four days, "5 d 4 h" beyond; rounded down, so time left is never overstated. */
export function spanOf(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  const mins = minutes % 60;
  if (hours >= 96) return hours % 24 > 0 ? `${Math.floor(hours / 24)} d ${hours % 24} h` : `${hours / 24} d`;
  if (hours > 0) return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}

/** "2026-12-04T18:32:00.000Z" in the reader's locale. */
export const timeOf = (iso: string | null): string => (iso === null ? '—' : new Date(iso).toLocaleString());

/** A YYYY-MM-DD day in the reader's locale (the day itself, not shifted by the time zone). */
export const dayOf = (day: string): string => new Date(`${day}T12:00:00`).toLocaleDateString();

/** Epoch ms as a `datetime-local` value in the reader's time zone (minutes). */
export function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Today (or `days` from today) as a `date` input's value in the reader's time zone. */
export function dayInput(days = 0): string {
  return localInput(Date.now() + days * 86_400_000).slice(0, 10);
}

export function Saved({ text }: { text: string | null }) {
  return text ? (
    <p role="status" className="inc-done">
      {text}
    </p>
  ) : null;
}

export function Confirmation(props: ConfirmationProps) {
  return <SharedConfirmation {...props} classPrefix="inc" />;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A scope label as the server gave it; a bare id (a record it could not label) never shown. */
export const labelOf = (label: string, kind: 'matter' | 'client'): string => (UUID.test(label) ? (kind === 'matter' ? 'Matter (no longer on record)' : 'Client (no longer on record)') : label);
