// Small pieces the consent pages share: a checkbox group with the field
// error beside it (the shared form controls have no multi-choice field), an inline
// confirmation that says what the action cannot undo, and a Copy button for a link shown once.
import { useId, useState } from 'react';
import { Button, Confirmation as SharedConfirmation, type ConfirmationProps } from '../../components';

export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

/** Several codes chosen with checkboxes, in a fieldset whose legend names them. */
export function CheckboxGroup({ legend, choices, value, onChange, error, hint, required }: { legend: string; choices: Choice[]; value: string[]; onChange: (next: string[]) => void; error?: string | null; hint?: string; required?: boolean }) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className={`consent-choices${error ? ' field-invalid' : ''}`} aria-describedby={describedBy}>
      <legend>
        {legend}
        {required && <span className="required"> (required)</span>}
      </legend>
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="consent-choice-list">
        {choices.map((choice) => (
          <label key={choice.value} className="consent-choice">
            <input type="checkbox" checked={value.includes(choice.value)} onChange={(e) => onChange(e.target.checked ? [...value, choice.value] : value.filter((v) => v !== choice.value))} />
            <span>
              {choice.label}
              {choice.hint && <span className="consent-detail"> — {choice.hint}</span>}
            </span>
          </label>
        ))}
      </div>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}

/**
 * Asks before an action that cannot be undone: the question, what it means, and the two choices.
 * Inline rather than a browser dialog, so it reads like the page and works the same everywhere.
 */
export function Confirmation(props: ConfirmationProps) {
  return <SharedConfirmation {...props} classPrefix="consent" />;
}

/** Copies a text (a share link) to the clipboard and says whether it worked. */
export function CopyButton({ text, what }: { text: string; what: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <span className="consent-copy">
      <Button variant="secondary" onClick={() => void copy()}>
        Copy
      </Button>
      <span role="status">{copied === 'yes' ? `${what} copied.` : copied === 'failed' ? 'Could not copy here; select the text and copy it.' : ''}</span>
    </span>
  );
}

/** A status as a badge with its own colour class. */
export function StatusBadge({ status, label }: { status: string; label: string }) {
  return <span className={`consent-status consent-status-${status}`}>{label}</span>;
}
