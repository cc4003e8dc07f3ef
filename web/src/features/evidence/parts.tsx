// Small pieces the evidence pages share: who may use them, a saved-message line, a confirmation,
// the words for the firm's role in a processing activity, and the Art. 30 fields with their hints.
import { Confirmation as SharedConfirmation, type ConfirmationProps } from '../../components';
import { useSession } from '../identity';
import type { ActivityInput, ActivityRole } from './api';

/** The compliance officer and the firm administrator (compliance.manage); anyone else gets not found. */
export function useCanManage(): boolean {
  const role = useSession().state?.user.role;
  return role === 'compliance_officer' || role === 'firm_admin';
}

export function Saved({ text }: { text: string | null }) {
  return text ? (
    <p role="status" className="ev-done">
      {text}
    </p>
  ) : null;
}

export function Confirmation(props: ConfirmationProps) {
  return <SharedConfirmation {...props} classPrefix="ev" />;
}

export const ROLE_WORDS: Record<ActivityRole, string> = {
  controller: 'Controller',
  processor: 'Processor',
  joint_controller: 'Joint controller',
};

export const ROLE_OPTIONS: { value: ActivityRole; label: string }[] = [
  { value: 'controller', label: 'Controller (Art. 30(1))' },
  { value: 'processor', label: 'Processor for another controller (Art. 30(2))' },
  { value: 'joint_controller', label: 'Joint controller' },
];

/** The long text fields of an activity, in the order of Art. 30(1). */
export type TextKey = Exclude<keyof ActivityInput, 'role' | 'ownerId'>;

export interface TextFieldSpec {
  key: TextKey;
  label: string;
  hint: string;
  /** What to say when it is left blank. */
  missing: string;
  max: number;
  /** A one-line field rather than a text area. */
  short?: boolean;
}

export const TEXT_FIELDS: TextFieldSpec[] = [
  { key: 'name', label: 'Activity', hint: 'What the firm does with the data, e.g. “Client matter files” or “Payroll”.', missing: 'Give the activity a name.', max: 200, short: true },
  { key: 'purposes', label: 'Purposes', hint: 'Why the data is processed.', missing: 'Say why the data is processed.', max: 2000 },
  { key: 'legalBasis', label: 'Legal basis', hint: 'The lawful basis (Art. 6, and Art. 9 for special categories).', missing: 'Name the lawful basis.', max: 1000 },
  { key: 'dataSubjects', label: 'Data subjects', hint: 'Whose data it is: clients, counterparties, employees …', missing: 'Say whose data this is.', max: 1000 },
  { key: 'dataCategories', label: 'Categories of personal data', hint: 'Which kinds of personal data, e.g. contact details, case documents, bank details.', missing: 'Say which kinds of personal data.', max: 2000 },
  { key: 'recipients', label: 'Recipients', hint: 'Who receives the data, including processors (hosting, payroll provider …).', missing: 'Say who receives the data, or write “None”.', max: 2000 },
  { key: 'transfers', label: 'Transfers outside the EEA', hint: 'Transfers to third countries or international organisations and their safeguards, or “None”.', missing: 'Name the transfers and their safeguards, or write “None”.', max: 2000 },
  { key: 'retention', label: 'Erasure time limits', hint: 'How long the data is kept before it is erased.', missing: 'Say when the data is erased.', max: 1000 },
  { key: 'securityMeasures', label: 'Security measures', hint: 'The technical and organisational measures that protect it (Art. 32).', missing: 'Describe how the data is protected.', max: 4000 },
];

/** "2026-12-04T18:32:00.000Z" in the reader's locale, date only. */
export const dateOf = (iso: string | null): string => (iso === null ? '—' : new Date(iso).toLocaleDateString());
