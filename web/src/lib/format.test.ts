import { describe, expect, it } from 'vitest';
import { formatBytes, formatTime, parseLocal } from './format';

describe('format', () => {
  it('formatTime shows a moment in the locale, and a dash for none', () => {
    expect(formatTime(0)).toBe(new Date(0).toLocaleString());
    expect(formatTime(null)).toBe('—');
    expect(formatTime(undefined)).toBe('—');
  });

  it('formatBytes uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20 MiB');
  });

  it('parseLocal reads a datetime-local value, null when empty or invalid', () => {
    expect(parseLocal('2026-01-02T03:04')).toBe(new Date('2026-01-02T03:04').getTime());
    expect(parseLocal('')).toBeNull();
    expect(parseLocal('not a date')).toBeNull();
  });
});
