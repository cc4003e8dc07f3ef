import type { ReactNode } from 'react';
import { PageTitle } from '../../components';

/** The frame of pages shown before the app shell (sign-in, MFA, setup, invitation, enrollment). */
export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="auth-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Confidant</span>
      </header>
      <main id="main" className="auth-main" tabIndex={-1}>
        <PageTitle>{title}</PageTitle>
        {children}
      </main>
    </div>
  );
}

export function RecoveryCodesShown({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <section aria-labelledby="recovery-title" className="recovery-codes">
      <h2 id="recovery-title">Your recovery codes</h2>
      <p>
        Each code lets you in once if you lose your authenticator. <strong>They are shown only now:</strong> print them or keep them in your password manager.
      </p>
      <ul data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" className="button button-primary" onClick={onDone}>
        I have saved them
      </button>
    </section>
  );
}
