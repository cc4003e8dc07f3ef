import { useState, type ReactNode } from 'react';
import { Button, ErrorMessage, PageTitle } from '../../components';
import { PasskeyError } from './passkey';

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

/**
 * Copy, Download (.txt) and Print for a secret shown once (recovery codes, a new API token). Print
 * opens a blank window with the text only, so nothing else of the page is printed with it.
 */
export function SecretActions({ text, fileName, what }: { text: string; fileName: string; what: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }
  function download() {
    const url = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
  }
  function print() {
    const win = window.open('', '_blank', 'width=600,height=700');
    if (!win) return;
    const pre = win.document.createElement('pre');
    pre.textContent = text;
    pre.style.font = '16px/1.6 monospace';
    win.document.title = what;
    win.document.body.append(pre);
    win.focus();
    win.print();
    win.close();
  }
  return (
    <div className="secret-actions">
      <Button variant="secondary" onClick={() => void copy()}>
        Copy
      </Button>
      <Button variant="secondary" onClick={download}>
        Download (.txt)
      </Button>
      <Button variant="secondary" onClick={print}>
        Print
      </Button>
      <span role="status" className="secret-actions-status">
        {copied === 'yes' ? `${what} copied.` : copied === 'failed' ? 'Could not copy here; select the text and copy it, or download it.' : ''}
      </span>
    </div>
  );
}

export function RecoveryCodesShown({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const text = ['Confidant recovery codes — each works once.', `Saved ${new Date().toLocaleString()}`, '', ...codes].join('\n');
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
      <SecretActions text={text} fileName="confidant-recovery-codes.txt" what="Recovery codes" />
      <button type="button" className="button button-primary" onClick={onDone}>
        I have saved them
      </button>
    </section>
  );
}

/** A failed second-factor step: a passkey failure in plain words, anything else as the API said it. */
export function FactorError({ error, title }: { error: unknown; title: string }) {
  if (error instanceof PasskeyError) {
    return (
      <div className="error-message" role="alert" data-testid="passkey-error">
        <p className="error-title">{title}</p>
        <p>{error.message}</p>
      </div>
    );
  }
  return <ErrorMessage error={error} title={title} />;
}
