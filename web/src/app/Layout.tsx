import { NavLink, Outlet } from 'react-router';
import { FEATURES } from './features';

export function Layout() {
  const nav = FEATURES.flatMap((f) => f.nav ?? []);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Confidant</span>
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
        <main id="main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
