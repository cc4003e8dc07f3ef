import { useId } from 'react';
import { DAYS_PER_YEAR } from './labels';

export type PeriodUnit = 'years' | 'days';

export interface PeriodValue {
  amount: string;
  unit: PeriodUnit;
}

/** A period entered in years or days (whole years shown as years when editing). */
export function periodOf(days: number): PeriodValue {
  return days > 0 && days % DAYS_PER_YEAR === 0 ? { amount: String(days / DAYS_PER_YEAR), unit: 'years' } : { amount: String(days), unit: 'days' };
}

/** The period in days, or null when it is not a whole number of days (half a year is 182 days, rounded). */
export function daysOf(value: PeriodValue): number | null {
  const text = value.amount.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const amount = Number(text);
  if (value.unit === 'days' && !Number.isInteger(amount)) return null;
  return Math.round(value.unit === 'years' ? amount * DAYS_PER_YEAR : amount);
}

/**
 * A number and its unit (years or days) under one label, with the hint and the error announced
 * with the number — the error of a 400 naming the period lands here.
 */
export function PeriodField({ label, value, onChange, hint, error, required }: { label: string; value: PeriodValue; onChange: (value: PeriodValue) => void; hint?: string; error?: string | null; required?: boolean }) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  const days = daysOf(value);
  return (
    <div className={`field ret-period${error ? ' field-invalid' : ''}`}>
      <label htmlFor={`${id}-amount`}>
        {label}
        {required && <span className="required"> (required)</span>}
      </label>
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <div className="ret-period-inputs">
        <input id={`${id}-amount`} type="text" inputMode="decimal" value={value.amount} onChange={(e) => onChange({ ...value, amount: e.target.value })} aria-invalid={error ? true : undefined} aria-describedby={describedBy} required={required} />
        <select aria-label={`${label}: unit`} value={value.unit} onChange={(e) => onChange({ ...value, unit: e.target.value as PeriodUnit })}>
          <option value="years">years</option>
          <option value="days">days</option>
        </select>
      </div>
      {value.unit === 'years' && days !== null && <p className="field-hint">= {days} days</p>}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
