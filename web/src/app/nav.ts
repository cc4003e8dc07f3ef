import type { NavItem } from './feature';

/**
 * The one navigation entry for a path: the longest entry that is the path or a parent of it
 * (`/audit/alerts` → "Alerts", not also "Audit log"); Home only for `/` itself. Null when no
 * entry covers the page (the account page, a page reached from another page).
 */
export function activeNavItem(items: NavItem[], pathname: string): NavItem | null {
  let best: NavItem | null = null;
  for (const item of items) {
    const matches = item.to === '/' ? pathname === '/' : pathname === item.to || pathname.startsWith(`${item.to}/`);
    if (matches && (!best || item.to.length > best.to.length)) best = item;
  }
  return best;
}
