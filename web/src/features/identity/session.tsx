/**
 * Session awareness for the whole web app: who is signed in, whether their session still needs
 * its second factor, and a guard that sends everyone else to the sign-in page.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { Button, ErrorMessage, Loading } from '../../components';
import { identityApi, ROLE_LABELS, type SessionState } from './api';

interface SessionContextValue {
  state: SessionState | null;
  loading: boolean;
  error: unknown;
  /** Re-reads the session from the server (after sign-in, MFA, enrollment). */
  refresh(): Promise<SessionState | null>;
  /** Sets the state from a sign-in response without another round trip. */
  set(state: SessionState | null): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const queryClient = useQueryClient();
  // Who the cache belongs to (undefined until the first session check answers): it is emptied when
  // that changes, and only then — a public page such as a share link keeps what it loaded while the
  // first check is under way.
  const owner = useRef<string | null | undefined>(undefined);
  const changeOwner = useCallback(
    (next: SessionState | null) => {
      const id = next?.user.id ?? null;
      if (owner.current !== undefined && id !== owner.current) queryClient.clear();
      owner.current = id;
    },
    [queryClient],
  );

  const refresh = useCallback(async () => {
    try {
      const next = await identityApi.session();
      changeOwner(next);
      setState(next);
      setError(null);
      return next;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        changeOwner(null);
        setState(null);
        setError(null);
      } else setError(e);
      return null;
    } finally {
      setLoading(false);
    }
  }, [changeOwner]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const signOut = useCallback(async () => {
    try {
      await identityApi.signOut();
    } finally {
      // Nothing the previous person loaded may be shown to whoever signs in next.
      queryClient.clear();
      owner.current = null;
      setState(null);
    }
  }, [queryClient]);

  const set = useCallback(
    (next: SessionState | null) => {
      changeOwner(next);
      setState(next);
    },
    [changeOwner],
  );

  const value = useMemo(() => ({ state, loading, error, refresh, set, signOut }), [state, loading, error, refresh, set, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside SessionProvider');
  return value;
}

/** Where a signed-in session must go next: the MFA challenge, enrollment, or nowhere (null). */
export function pendingStep(state: SessionState): '/sign-in/mfa' | '/enroll' | null {
  if (!state.session.mfaRequired || state.session.mfaCompleted) return null;
  return state.factors.totp || state.factors.passkeys > 0 ? '/sign-in/mfa' : '/enroll';
}

/** Renders its children only for a signed-in, MFA-complete session; redirects everyone else. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { state, loading, error } = useSession();
  const location = useLocation();
  if (loading) return <Loading />;
  if (error) return <ErrorMessage error={error} title="Cannot reach Confidant" />;
  if (!state) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  const step = pendingStep(state);
  if (step) return <Navigate to={step} replace />;
  return <>{children}</>;
}

/** Name, role, account link and sign-out, for the top bar. */
export function UserMenu() {
  const { state, signOut } = useSession();
  const navigate = useNavigate();
  if (!state) return null;
  return (
    <div className="user-menu">
      <span>
        {state.user.name} <span className="user-role">({ROLE_LABELS[state.user.role]})</span>
      </span>
      <a href="/account" onClick={(e) => (e.preventDefault(), void navigate('/account'))}>
        Account
      </a>
      {/* Signing out on purpose forgets the page: whoever signs in next starts at home, not on the previous person's matter. */}
      <Button variant="secondary" onClick={() => void signOut().then(() => navigate('/sign-in', { replace: true }))}>
        Sign out
      </Button>
    </div>
  );
}
