import { describe, expect, it } from 'vitest';
import { activeNavItem } from './nav';

const NAV = [
  { to: '/', label: 'Home' },
  { to: '/audit', label: 'Audit log' },
  { to: '/audit/alerts', label: 'Alerts' },
  { to: '/access/break-glass', label: 'Emergency access' },
  { to: '/access/break-glass/review', label: 'Break-glass review' },
  { to: '/matters', label: 'Matters' },
];

describe('the highlighted navigation entry', () => {
  it('is exactly one: the deepest entry covering the path', () => {
    expect(activeNavItem(NAV, '/audit/alerts')?.label).toBe('Alerts');
    expect(activeNavItem(NAV, '/audit')?.label).toBe('Audit log');
    expect(activeNavItem(NAV, '/access/break-glass/review')?.label).toBe('Break-glass review');
    expect(activeNavItem(NAV, '/access/break-glass')?.label).toBe('Emergency access');
    expect(activeNavItem(NAV, '/matters/0190-abc')?.label).toBe('Matters');
  });

  it('Home only on the start page; a prefix that is not a parent path does not count; nothing for uncovered pages', () => {
    expect(activeNavItem(NAV, '/')?.label).toBe('Home');
    expect(activeNavItem(NAV, '/auditors')).toBeNull();
    expect(activeNavItem(NAV, '/account')).toBeNull();
  });
});
