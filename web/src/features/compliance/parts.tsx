// Small pieces the compliance pages share: who manages what, the section tabs, a status badge, a
// saved-message line, a confirmation, a field error in plain words, and a PDF file field.
import { useId, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { Confirmation as SharedConfirmation, type ConfirmationProps } from '../../components';
import { useSession } from '../identity';

/** The compliance officer and the firm administrator run policies, agreements and training. */
export function useCanManage(): boolean {
  const role = useSession().state?.user.role;
  return role === 'compliance_officer' || role === 'firm_admin';
}

/** Only the compliance officer runs access reviews (they name matters). */
export function useIsOfficer(): boolean {
  return useSession().state?.user.role === 'compliance_officer';
}

const TABS = [
  { to: '/compliance', label: 'My compliance', also: '/compliance/my', manage: false, officer: false },
  { to: '/compliance/policies', label: 'Policies', manage: true, officer: false },
  { to: '/compliance/agreements', label: 'Agreements', manage: true, officer: false },
  { to: '/compliance/training', label: 'Training', manage: true, officer: false },
  { to: '/compliance/reviews', label: 'Access reviews', manage: true, officer: true },
];

/** The sections of Compliance the signed-in person may use, the current one marked. */
export function ComplianceTabs() {
  const canManage = useCanManage();
  const isOfficer = useIsOfficer();
  const { pathname } = useLocation();
  const tabs = TABS.filter((t) => (!t.manage || canManage) && (!t.officer || isOfficer));
  if (tabs.length < 2) return null;
  return (
    <nav className="cmp-tabs" aria-label="Compliance sections">
      {tabs.map((t) => {
        const current = pathname === t.to || pathname === t.also || (t.to !== '/compliance' && pathname.startsWith(`${t.to}/`));
        return (
          <Link key={t.to} to={t.to} className={current ? 'active' : undefined} aria-current={current ? 'page' : undefined}>
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}

export type BadgeTone = 'ok' | 'warn' | 'bad' | 'neutral';

export function Badge({ tone, children }: { tone: BadgeTone; children: ReactNode }) {
  return <span className={`cmp-badge cmp-badge-${tone}`}>{children}</span>;
}

export function Saved({ text }: { text: string | null }) {
  return text ? (
    <p role="status" className="cmp-done">
      {text}
    </p>
  ) : null;
}

export function Confirmation(props: ConfirmationProps) {
  return <SharedConfirmation {...props} classPrefix="cmp" />;
}

/** A PDF file input wired like the shared fields (label, hint, error next to it). */
export function PdfField({ label, hint, error, onChange }: { label: string; hint?: string; error?: string | null; onChange: (file: File | null) => void }) {
  const id = useId();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <input id={id} type="file" accept="application/pdf,.pdf" onChange={(e) => onChange(e.target.files?.[0] ?? null)} aria-invalid={error ? true : undefined} aria-describedby={[hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined} />
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** A checkbox with its label. */
export function Check({ label, checked, onChange, hint }: { label: string; checked: boolean; onChange: (checked: boolean) => void; hint?: string }) {
  const id = useId();
  return (
    <div className="cmp-check">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={hint ? `${id}-hint` : undefined} />
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

export const ROLE_LABELS: Record<string, string> = { firm_admin: 'Firm administrators', compliance_officer: 'Compliance officers', attorney: 'Attorneys', paralegal: 'Paralegals', staff: 'Support staff' };
export const ROLE_ONE: Record<string, string> = { firm_admin: 'firm administrator', compliance_officer: 'compliance officer', attorney: 'attorney', paralegal: 'paralegal', staff: 'support staff', lead_attorney: 'lead attorney', assistant: 'assistant' };
export const STAFF_ROLES = ['attorney', 'paralegal', 'staff', 'compliance_officer', 'firm_admin'] as const;

export const todayPlus = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
export const dateOf = (at: number | null): string => (at === null ? '—' : new Date(at).toISOString().slice(0, 10));
