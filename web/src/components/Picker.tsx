/**
 * A search-as-you-type picker for people, clients and matters: the user types part of a name,
 * e-mail or matter number and chooses among what the server says they may see — never a bare id.
 * ARIA combobox pattern (input + listbox, arrow keys, Enter, Escape); searches are debounced and
 * the previous one is aborted, so a slow answer never replaces a newer one. The chosen option is
 * shown by its label, with a button to clear it.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { ApiError } from '../api/client';
import './picker.css';

export interface PickerOption {
  id: string;
  label: string;
  /** A second line: an e-mail, a matter number, a client name. */
  detail?: string;
}

export interface PickerProps {
  label: string;
  /** The form field name (also the hidden input carrying the chosen id). */
  name?: string;
  value: PickerOption | null;
  onChange: (option: PickerOption | null) => void;
  search: (query: string, signal: AbortSignal) => Promise<PickerOption[]>;
  placeholder?: string;
  hint?: string;
  error?: string | null;
  required?: boolean;
  disabled?: boolean;
  /** Fewest characters before searching (default 1). */
  minLength?: number;
}

const DEBOUNCE_MS = 200;

export function Picker({ label, name, value, onChange, search, placeholder, hint, error, required, disabled, minLength = 1 }: PickerProps) {
  const id = useId();
  const listId = `${id}-list`;
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [options, setOptions] = useState<PickerOption[]>([]);
  const [active, setActive] = useState(-1);
  const [status, setStatus] = useState<'idle' | 'searching' | 'done' | 'failed'>('idle');
  const [failure, setFailure] = useState<string | null>(null);
  const searchRef = useRef(search);
  searchRef.current = search;

  useEffect(() => {
    const query = text.trim();
    if (value || query.length < minLength) {
      setOptions([]);
      setStatus('idle');
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setStatus('searching');
      searchRef.current(query, controller.signal).then(
        (found) => {
          if (controller.signal.aborted) return;
          setOptions(found);
          setActive(found.length > 0 ? 0 : -1);
          setStatus('done');
        },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          setOptions([]);
          setStatus('failed');
          setFailure(err instanceof ApiError ? err.message : 'The search failed. Try again.');
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, value, minLength]);

  const choose = (option: PickerOption) => {
    onChange(option);
    setText('');
    setOpen(false);
    setOptions([]);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(options.length - 1, i + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(0, i - 1));
    } else if (event.key === 'Enter') {
      if (open && active >= 0 && options[active]) {
        event.preventDefault();
        choose(options[active]);
      }
    } else if (event.key === 'Escape') {
      setOpen(false);
    }
  };

  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null, `${id}-status`].filter(Boolean).join(' ');
  const showList = open && !value && status !== 'idle';

  return (
    <div className={`field picker${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required && <span className="required"> (required)</span>}
      </label>
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {name && <input type="hidden" name={name} value={value?.id ?? ''} />}
      <div className="picker-box">
      {value ? (
        <div className="picker-chosen">
          <span className="picker-chosen-label" data-testid="picker-chosen">
            {value.label}
            {value.detail && <span className="picker-detail"> · {value.detail}</span>}
          </span>
          <button type="button" className="picker-clear" onClick={() => onChange(null)} disabled={disabled} aria-label={`Change ${label.toLowerCase()}`}>
            Change
          </button>
        </div>
      ) : (
        <input
          id={id}
          type="text"
          role="combobox"
          autoComplete="off"
          aria-autocomplete="list"
          aria-expanded={showList}
          aria-controls={listId}
          aria-activedescendant={showList && active >= 0 ? `${id}-opt-${active}` : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          placeholder={placeholder ?? 'Type to search'}
          value={text}
          disabled={disabled}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={onKeyDown}
        />
      )}
      {showList && (
        <ul className="picker-list" id={listId} role="listbox" aria-label={label}>
          {options.map((option, i) => (
            <li
              key={option.id}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'picker-option active' : 'picker-option'}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(option);
              }}
            >
              <span>{option.label}</span>
              {option.detail && <span className="picker-detail">{option.detail}</span>}
            </li>
          ))}
        </ul>
      )}
      </div>
      <p className="picker-status" id={`${id}-status`} role="status" aria-live="polite">
        {!value && status === 'searching' && 'Searching…'}
        {!value && status === 'done' && options.length === 0 && 'No match among what you may see.'}
        {!value && status === 'failed' && failure}
      </p>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
