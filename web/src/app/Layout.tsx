import { Suspense, useEffect, useRef, useState, type RefObject } from 'react';
import { Link, Navigate, Outlet, useLocation } from 'react-router';
import { Loading } from '../components/Loading';
import { RequireSession, UserMenu, useSession } from '../features/identity';
import type { NavItem } from './feature';
import { FEATURES } from './features';
import { activeNavItem } from './nav';

/**
 * After a client-side navigation, move focus to the new page's heading (or the main region), as
 * a full page load would, so keyboard and screen-reader users land on the new content.
 */
function useFocusOnNavigate(main: RefObject<HTMLElement | null>) {
  const { pathname } = useLocation();
  // Compare with the last path this layout showed: a first render (or a remount) is a page load,
  // where the browser's own focus handling applies and the skip link must stay the first stop.
  const shown = useRef(pathname);
  useEffect(() => {
    if (shown.current === pathname) return;
    shown.current = pathname;
    const target = main.current?.querySelector<HTMLElement>('h1') ?? main.current;
    if (target) {
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus();
    }
  }, [pathname, main]);
}

/** Entries without roles are every staff user's; a client's contact sees only entries naming 'client'. */
function navVisible(item: NavItem, role: string | undefined): boolean {
  if (role === undefined) return false;
  if (!item.roles) return role !== 'client';
  return item.roles.includes(role);
}

// Signed-out visitors go to /sign-in, sessions still owing their second factor to MFA/enrollment.
export function Layout() {
  return (
    <RequireSession>
      <SignedInLayout />
    </RequireSession>
  );
}

function SignedInLayout() {
  const { state } = useSession();
  const role = state?.user.role;
  const nav = FEATURES.flatMap((f) => f.nav ?? []).filter((item) => navVisible(item, role));
  const { pathname } = useLocation();
  const active = activeNavItem(nav, pathname);
  // On a phone the navigation is a menu behind a button; it closes once a page is chosen.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [pathname]);
  const main = useRef<HTMLElement>(null);
  useFocusOnNavigate(main);
  // A client's contact lives in the portal (and their account page); staff never see the portal.
  const inPortal = pathname === '/portal' || pathname.startsWith('/portal/');
  if (role === 'client' && !inPortal && pathname !== '/account') return <Navigate to="/portal" replace />;
  if (role !== undefined && role !== 'client' && inPortal) return <Navigate to="/" replace />;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Confidant</span>
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((open) => !open)}>
          {menuOpen ? 'Close menu' : 'Menu'}
        </button>
        <UserMenu />
      </header>
      <div className="body">
        <nav aria-label="Main" id="main-nav" className={`sidenav${menuOpen ? ' open' : ''}`}>
          <ul>
            {nav.map((item) => (
              <li key={item.to}>
                <Link to={item.to} className={item === active ? 'active' : undefined} aria-current={item === active ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" ref={main} tabIndex={-1}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}
