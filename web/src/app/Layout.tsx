import { Suspense, useEffect, useRef, type RefObject } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { Loading } from '../components/Loading';
import { RequireSession, UserMenu, useSession } from '../features/identity';
import { FEATURES } from './features';

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
  const nav = FEATURES.flatMap((f) => f.nav ?? []).filter((item) => !item.roles || (role !== undefined && item.roles.includes(role)));
  const main = useRef<HTMLElement>(null);
  useFocusOnNavigate(main);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Confidant</span>
        <UserMenu />
      </header>
      <div className="body">
        <nav aria-label="Main" className="sidenav">
          <ul>
            {nav.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.to === '/'}>
                  {item.label}
                </NavLink>
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
