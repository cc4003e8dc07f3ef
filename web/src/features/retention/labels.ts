// How the retention pages name triggers, actions, periods, states and items: plain words, one
// place. The code lists mirror server/modules/retention/retention.schemas.ts; a code the server
// adds later is shown as itself rather than hidden.
import type { Action, Disposition, ItemType, PhysicalMethod, Trigger } from './api';

export const DAYS_PER_YEAR = 365;

export const TRIGGER_LABELS: Record<Trigger, string> = {
  matter_closed: 'When the matter closes',
  client_ended: 'When the client relationship ends',
  document_superseded: 'When a newer version replaces a document version',
  fixed_date: 'On a fixed date',
};

/** What the period counts from, for "7 years after …". */
const TRIGGER_AFTER: Record<Trigger, string> = {
  matter_closed: 'after the matter closes',
  client_ended: 'after the client relationship ends',
  document_superseded: 'after a newer version replaces it',
  fixed_date: '',
};

export const ACTION_LABELS: Record<Action, string> = {
  destroy: 'Destroy',
  anonymise: 'Anonymise',
  review: 'Review, then decide',
};

export const ACTION_HINTS: Record<Action, string> = {
  destroy: 'Destroy: the content and its keys are destroyed; only the tombstone the firm keeps (matter number, dates) remains.',
  anonymise: 'Anonymise: the matter shells stay, without their content or personal data.',
  review: 'Review: the reviewer chooses to destroy or anonymise when the item comes up.',
};

/** A number of days in the words a records manager uses: whole years as years. */
export function periodText(days: number): string {
  if (days === 0) return 'No extra time';
  if (days % DAYS_PER_YEAR === 0) {
    const years = days / DAYS_PER_YEAR;
    return years === 1 ? '1 year' : `${years} years`;
  }
  const text = days === 1 ? '1 day' : `${days} days`;
  return days > DAYS_PER_YEAR ? `${text} (about ${(days / DAYS_PER_YEAR).toFixed(1)} years)` : text;
}

/** A schedule's rule in one sentence: "7 years after the matter closes", "On 31 Dec 2030". */
export function ruleText(schedule: { trigger: Trigger; periodDays: number; fixedDate: string | null }): string {
  if (schedule.trigger === 'fixed_date') return schedule.fixedDate ? `On ${dayText(schedule.fixedDate)}` : 'On a fixed date';
  if (schedule.periodDays === 0) return `As soon as ${TRIGGER_AFTER[schedule.trigger].replace(/^after /, '')}`;
  return `${periodText(schedule.periodDays)} ${TRIGGER_AFTER[schedule.trigger]}`;
}

/** Which matters a rule applies to: practice area and jurisdiction, "Any" where it does not narrow. */
export function appliesText(rule: { practiceArea: string | null; jurisdiction: string | null }): string {
  if (!rule.practiceArea && !rule.jurisdiction) return 'Any matter';
  return [rule.practiceArea ? `Practice area: ${rule.practiceArea}` : 'Any practice area', rule.jurisdiction ? `Jurisdiction: ${rule.jurisdiction}` : 'any jurisdiction'].join(' · ');
}

/**
 * A day (YYYY-MM-DD) or a moment as a calendar date in the reader's locale. Retention counts in
 * UTC days (the preview's "due by" is the end of a UTC day; an engagement ends at its UTC
 * midnight), so dates are shown as UTC days too: never a day early west of Greenwich.
 */
export function dayText(day: string | number | null | undefined): string {
  if (day === null || day === undefined) return '—';
  const at = typeof day === 'number' ? new Date(day) : new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(at.getTime())) return String(day);
  return at.toLocaleDateString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

/** Today + `months`, as YYYY-MM-DD in the reader's calendar (the preview's default). */
export function dayInMonths(months: number, from = new Date()): string {
  const at = new Date(from.getFullYear(), from.getMonth() + months, from.getDate());
  return localDay(at);
}

export function localDay(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** The disposition states, as the queue's filter and rows say them. */
export const STATUS_LABELS: Record<string, string> = {
  new: 'Not in the queue yet',
  review: 'Waiting for review',
  approved: 'Approved: carried out at the next run',
  extended: 'Kept longer',
  held: 'Held: a legal hold suspends it',
  executing: 'Being carried out',
  awaiting_physical: 'Awaiting physical destruction',
  executed: 'Done',
  failed: 'Failed: the next run tries again',
};

export const statusText = (status: string): string => STATUS_LABELS[status] ?? status;

/** What an item is, in words ("version 3 of a document"). */
export function itemText(item: { itemType: ItemType; version?: number | null; itemId?: string }): string {
  switch (item.itemType) {
    case 'client':
      return 'Everything held for the client';
    case 'matter':
      return 'The matter’s content';
    case 'record':
      return 'A physical record';
    case 'document_version': {
      const version = item.version ?? versionOf(item.itemId);
      return version === null ? 'An older version of a document' : `Version ${version} of a document`;
    }
    default:
      return String(item.itemType);
  }
}

/** A document version's number from its item id (`<document>#<version>`). */
function versionOf(itemId: string | undefined): number | null {
  const version = Number(itemId?.split('#')[1]);
  return Number.isInteger(version) && version > 0 ? version : null;
}

export const DECISION_LABELS: Record<'destroy' | 'anonymise', string> = {
  destroy: 'Destroy it',
  anonymise: 'Anonymise it (keep the matter shells, remove content and personal data)',
};

export const METHOD_LABELS: Record<PhysicalMethod, string> = {
  shred: 'Shredded',
  incinerate: 'Incinerated',
  pulp: 'Pulped',
  degauss: 'Degaussed (magnetic media)',
  other: 'Another method',
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What a disposition covers, counted: "3 documents (5 versions, 1.2 MiB), 2 notes, 1 physical record". */
export function contentsText(contents: Disposition['contents'], bytes: (n: number) => string): string {
  const parts: string[] = [];
  if (contents.documents > 0 || contents.versions > 0) parts.push(`${plural(contents.documents, 'document', 'documents')} (${plural(contents.versions, 'version', 'versions')}, ${bytes(contents.bytes)})`);
  if (contents.notes > 0) parts.push(plural(contents.notes, 'note', 'notes'));
  if (contents.records > 0) parts.push(plural(contents.records, 'physical record', 'physical records'));
  return parts.length === 0 ? 'No documents, notes or physical records' : parts.join(', ');
}

/** A certificate's scope in words. */
export function certificateScopeText(scope: string): string {
  switch (scope) {
    case 'client':
      return 'Everything held for the client';
    case 'matter':
      return 'A matter’s content';
    case 'versions':
      return 'Older versions of a document';
    case 'record':
      return 'A physical record';
    default:
      return scope;
  }
}
