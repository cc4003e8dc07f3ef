import type { RouteObject } from 'react-router';

/** What each feature folder (mirroring a server module) contributes to the app shell. */
export interface NavItem {
  to: string;
  label: string;
  /** Firm roles that see this entry; omitted = every signed-in staff user. */
  roles?: string[];
}

export interface Feature {
  name: string;
  /** Routes inside the signed-in layout. */
  routes?: RouteObject[];
  /** Routes outside it (sign-in, setup, portal landing). */
  publicRoutes?: RouteObject[];
  nav?: NavItem[];
}
