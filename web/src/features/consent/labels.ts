// How the consent pages name codes, states and fingerprints: plain words, one place. The code lists
// mirror server/modules/consent/consent.schemas.ts (PURPOSES, DATA_CATEGORIES, …); a code the
// server adds later is shown as itself rather than hidden.
import type { Consent, Disclosure } from './api';

export const PURPOSE_LABELS: Record<string, string> = {
  litigation: 'Litigation',
  settlement: 'Settlement',
  transaction: 'Transaction',
  regulatory_filing: 'Regulatory filing',
  expert_opinion: 'Expert opinion',
  insurance_claim: 'Insurance claim',
  accounting_audit: 'Accounting audit',
  client_instruction: 'Client’s instruction',
  other: 'Other',
};

export const DATA_CATEGORY_LABELS: Record<string, string> = {
  documents: 'Documents',
  notes: 'Notes',
  privileged: 'Privileged material',
  identity: 'Identity data',
  contact: 'Contact details',
  financial: 'Financial data',
  health: 'Health data',
  criminal_records: 'Criminal records',
};

export const RECIPIENT_CATEGORY_LABELS: Record<string, string> = {
  opposing_counsel: 'Opposing counsel',
  co_counsel: 'Co-counsel',
  court: 'Court',
  expert: 'Expert',
  insurer: 'Insurer',
  auditor: 'Auditor',
  regulator: 'Regulator',
  family_member: 'Family member',
  other: 'Other',
};

export const CHANNEL_LABELS: Record<string, string> = {
  secure_link: 'Secure link (e-mail code, expiring)',
  age_package: 'Encrypted package (age)',
  email_unencrypted: 'Unencrypted e-mail',
  phone: 'Phone',
  fax: 'Fax',
  post: 'Post',
  in_person: 'In person',
};

/** Channels that carry data in clear: allowed only where the client knowingly consented to them. */
export const UNENCRYPTED_CHANNELS = new Set(['email_unencrypted', 'phone', 'fax']);

export const EXCEPTION_LABELS: Record<string, string> = {
  court_order: 'Court order',
  legal_mandate: 'Legal mandate',
  imminent_harm: 'Preventing imminent harm',
  defend_claim: 'Defending a claim',
  vulnerable_person: 'Protecting a vulnerable person',
};

export const CONSENT_STATUS_LABELS: Record<Consent['status'], string> = { active: 'Live', withdrawn: 'Withdrawn', expired: 'Expired', not_yet_valid: 'Not yet valid' };

export const DISCLOSURE_STATUS_LABELS: Record<Disclosure['status'], string> = {
  pending_approval: 'Waiting for approval',
  ready: 'Ready to execute',
  executed: 'Executed',
  revoked: 'Revoked',
  stopped: 'Stopped (consent withdrawn)',
};

/** The six sections of a notice, in the order the server hashes them. */
export const NOTICE_SECTIONS = [
  { key: 'collected', label: 'What is collected' },
  { key: 'purposes', label: 'Why it is collected' },
  { key: 'recipients', label: 'Who sees it' },
  { key: 'protection', label: 'How it is protected' },
  { key: 'retention', label: 'How long it is kept' },
  { key: 'rights', label: 'The client’s rights' },
] as const;

/** A code in words; the code itself when this page does not know it. */
export const labelOf = (labels: Record<string, string>, code: string | null | undefined): string => (code ? (labels[code] ?? code) : '—');
export const labelsOf = (labels: Record<string, string>, codes: string[]): string => (codes.length === 0 ? '—' : codes.map((c) => labelOf(labels, c)).join(', '));

/** A SHA-256 as people compare it: the first 12 hex digits (the whole value in a tooltip and the CSV). */
export const shortSha = (sha: string | null | undefined): string => (sha ? sha.slice(0, 12) : '—');

/** A matter as the server labels it: number and title, or a plain phrase when withheld. */
export function matterLabel(matter: { number: string | null; title: string | null } | null | undefined): string {
  if (!matter?.number) return 'a matter (not shown to you)';
  return matter.title ? `${matter.number} — ${matter.title}` : matter.number;
}

/** A person's name, with a neutral phrase when the account no longer exists. */
export const personLabel = (name: string | null | undefined): string => name ?? 'a former staff member';

/** The basis of a disclosure, in words. */
export function basisLabel(d: Disclosure): string {
  if (d.basis.kind === 'consent') return 'The client’s consent';
  return `Legal exception: ${labelOf(EXCEPTION_LABELS, d.basis.exception)}${d.basis.gagOrder ? ' (gag order: never shown to the client)' : ''}`;
}

/** A date input's value (YYYY-MM-DD) as the start of that day, local time, in epoch ms; null when empty or not a date. */
export function parseDay(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const ms = new Date(`${value}T00:00:00`).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** Epoch ms as a date input's value (local day). */
export function dayOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A local date (no time) for a validity bound; '—' for none. */
export const formatDay = (ms: number | null | undefined, none = '—'): string => (ms === null || ms === undefined ? none : new Date(ms).toLocaleDateString());

/** A label table as the options of a select (in the table's order). */
export const optionsOf = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));
