// An inline confirmation for an action that takes effect at once: the question, what it means,
// and the two choices. Inline rather than a browser dialog, so it reads like the page and works
// the same everywhere. Each feature styles it with its own class prefix.
import { useId, type ReactNode } from 'react';
import { Button } from './form';

export interface ConfirmationProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  variant?: 'primary' | 'danger';
}

export function Confirmation({ title, children, confirmLabel, onConfirm, onCancel, busy, variant = 'danger', classPrefix, role = 'group' }: ConfirmationProps & { classPrefix: string; role?: 'group' | 'alertdialog' }) {
  const id = useId();
  return (
    <div className={`${classPrefix}-confirm`} role={role} aria-labelledby={`${id}-title`}>
      <p className={`${classPrefix}-confirm-title`} id={`${id}-title`}>
        {title}
      </p>
      <div>{children}</div>
      <div className={`${classPrefix}-actions`}>
        <Button variant={variant} busy={busy} onClick={onConfirm}>
          {confirmLabel}
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
