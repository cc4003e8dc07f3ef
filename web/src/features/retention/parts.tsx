// Small pieces the retention pages share: the section tabs, an inline confirmation, an error in
// plain words for the codes a reviewer meets, and the two downloads of a certificate.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { ApiError } from '../../api/client';
import { Button, Confirmation as SharedConfirmation, ErrorMessage, type ConfirmationProps } from '../../components';
import { saveBlob } from '../../lib/download';
import { useSession, useStepUp } from '../identity';

// One URL per section; /retention itself is the first section of each (no redirect, so the
// navigation entry's address is a page of its own).
const COMPLIANCE_TABS = [
  { to: '/retention', label: 'Schedules', also: '/retention/schedules' },
  { to: '/retention/minimums', label: 'Legal minimums' },
  { to: '/retention/preview', label: 'Preview and run' },
  { to: '/retention/queue', label: 'Disposition queue' },
  { to: '/retention/certificates', label: 'Certificates' },
];
// A lead attorney approves their matters' items and reads their certificates; the rules are the compliance officer's.
const LAWYER_TABS = [
  { to: '/retention', label: 'Disposition queue', also: '/retention/queue' },
  { to: '/retention/certificates', label: 'Certificates' },
];

export function useIsCompliance(): boolean {
  return useSession().state?.user.role === 'compliance_officer';
}

/** The sections of Retention, the current one marked. */
export function RetentionTabs() {
  const tabs = useIsCompliance() ? COMPLIANCE_TABS : LAWYER_TABS;
  const { pathname } = useLocation();
  return (
    <nav className="ret-tabs" aria-label="Retention sections">
      {tabs.map((t) => {
        const current = pathname === t.to || pathname === t.also;
        return (
          <Link key={t.to} to={t.to} className={current ? 'active' : undefined} aria-current={current ? 'page' : undefined}>
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}

/** Asks before an action that takes effect at once: the question, what it means, the two choices. */
export function Confirmation(props: ConfirmationProps) {
  return <SharedConfirmation {...props} classPrefix="ret" />;
}

/** A refusal said in words the person can act on, for the codes listed; anything else as the shared error box. */
export function PlainError({ error, words, title }: { error: unknown; words: Partial<Record<string, string>>; title?: string }) {
  const said = error instanceof ApiError ? words[error.code] : undefined;
  if (!said || !(error instanceof ApiError)) return <ErrorMessage error={error} {...(title ? { title } : {})} />;
  return (
    <div className="error-message" role="alert">
      {title && <p className="error-title">{title}</p>}
      <p>{said}</p>
      <p className="error-meta">
        Code <code>{error.code}</code>
        {error.requestId && (
          <>
            {' '}
            · request <code>{error.requestId}</code>
          </>
        )}
      </p>
    </div>
  );
}

/** Whether an error came with field errors (shown next to their fields, not again in a box). */
export const hasFieldErrors = (error: unknown, paths: string[]): boolean => error instanceof ApiError && error.fields.some((f) => paths.includes(f.path));

/** A status as a badge with its own colour class. */
export function StatusBadge({ status, children }: { status: string; children: ReactNode }) {
  return <span className={`ret-badge ret-badge-${status}`}>{children}</span>;
}

/** "Download JSON" and "Download PDF" of one certificate (the JSON exactly as signed). */
export function CertificateDownloads({ id, json, pdf, label }: { id: string; json: (id: string) => Promise<Blob>; pdf: (id: string) => Promise<Blob>; label: string }) {
  const download = useMutation({
    mutationFn: async (format: 'json' | 'pdf') => saveBlob(await (format === 'json' ? json(id) : pdf(id)), `certificate-of-destruction-${id.slice(0, 8)}.${format}`),
  });
  return (
    <div className="ret-downloads">
      <Button variant="secondary" busy={download.isPending && download.variables === 'json'} disabled={download.isPending} onClick={() => download.mutate('json')} aria-label={`Download the certificate of ${label} as JSON`}>
        JSON
      </Button>
      <Button variant="secondary" busy={download.isPending && download.variables === 'pdf'} disabled={download.isPending} onClick={() => download.mutate('pdf')} aria-label={`Download the certificate of ${label} as PDF`}>
        PDF
      </Button>
      {download.error !== null && <ErrorMessage error={download.error} title="The certificate could not be downloaded" />}
    </div>
  );
}

/**
 * A change the server guards with a fresh second factor (approving a disposition, recording a
 * destruction): run it; on STEP_UP_REQUIRED the prompt asks for the factor inline and the change
 * is retried. On success the retention lists are fetched again and `done` runs.
 */
export function useSteppedAction() {
  const queryClient = useQueryClient();
  const stepUp = useStepUp();
  const [busy, setBusy] = useState(false);
  const run = (work: () => Promise<unknown>, done?: () => void) => {
    setBusy(true);
    void stepUp
      .run(async () => {
        await work();
        await queryClient.invalidateQueries({ queryKey: ['retention'] });
        done?.();
      })
      .finally(() => setBusy(false));
  };
  return { run, busy, error: stepUp.error, prompt: stepUp.prompt };
}
