import { useEffect, type ReactNode } from 'react';

/** The page's one h1, also the document title (what screen readers announce and tabs show). */
export function PageTitle({ children, title }: { children: ReactNode; title?: string }) {
  const text = title ?? (typeof children === 'string' ? children : '');
  useEffect(() => {
    document.title = text ? `${text} — Confidant` : 'Confidant';
  }, [text]);
  return (
    <h1 className="page-title" tabIndex={-1}>
      {children}
    </h1>
  );
}
