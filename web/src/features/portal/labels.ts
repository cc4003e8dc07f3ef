// How the portal names codes: plain words, one place. Codes the server adds later are shown as themselves.
import type { PortalDocument } from './api';

/** What a person at the firm did, by audit action code. */
export const ACTION_LABELS: Record<string, string> = {
  'client.read': 'viewed your file',
  'client.update': 'updated your details',
  'client.export': 'exported a copy of your data',
  'matter.read': 'viewed a matter',
  'matter.update': 'updated a matter',
  'document.read': 'opened a document',
  'document.write': 'changed a document',
  'document.upload': 'added a document',
  'document.version': 'added a new version of a document',
  'document.classify': 'changed how a document is protected',
  'document.trash': 'moved a document to the trash',
  'document.portal_share': 'shared a document with you',
  'note.read': 'read a note',
  'note.write': 'wrote a note',
  'record.read': 'looked at a paper record',
  'record.write': 'updated a paper record',
  'consent.record': 'recorded a consent',
  'consent.withdraw': 'recorded a consent withdrawal',
  'disclosure.execute': 'disclosed some of your data',
  'message.send': 'wrote to you',
  'message.read': 'read your messages',
};

export const actionLabel = (code: string): string => ACTION_LABELS[code] ?? code;

export const SOURCE_LABELS: Record<PortalDocument['source'], string> = {
  shared: 'Shared with you',
  uploaded: 'You uploaded',
  attached: 'Attached to a message',
};

export const EVIDENCE_LABELS: Record<string, string> = {
  portal_click: 'You agreed in the portal',
  signed_form: 'Signed form',
};

/** A matter team role in words. */
export const TEAM_ROLE_LABELS: Record<string, string> = {
  lead_attorney: 'lead lawyer',
  attorney: 'lawyer',
  paralegal: 'paralegal',
  assistant: 'assistant',
};

export const DISCLOSURE_BASIS_LABELS: Record<string, string> = {
  consent: 'With your consent',
  exception: 'Required or allowed by law without your consent',
};

/** A matter by number, "a matter" when the number is not shown. */
export const matterNumber = (matter: { number: string | null } | null | undefined): string => matter?.number ?? 'a matter';

/** A matter by number and title. */
export function matterName(matter: { number: string | null; title: string | null } | null | undefined): string {
  if (!matter?.number) return 'a matter';
  return matter.title ? `${matter.number} — ${matter.title}` : matter.number;
}

/** A person at the firm; a neutral phrase when the account no longer exists. */
export const personName = (name: string | null | undefined): string => name ?? 'a former member of the firm';
