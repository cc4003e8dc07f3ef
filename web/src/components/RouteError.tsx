import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { ApiError } from '../api/client';
import { ErrorMessage } from './ErrorMessage';
import { PageTitle } from './PageTitle';

/** The not-found page: also what a user sees for something they may not open (same words). */
export function NotFound() {
  return (
    <section className="error-page" aria-labelledby="not-found-title">
      <PageTitle title="Page not found">
        <span id="not-found-title">Page not found</span>
      </PageTitle>
      <p>There is nothing at this address, or you may not open it.</p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </section>
  );
}

/**
 * Shown for errors thrown while rendering or loading a route. `standalone` when it replaces the
 * whole layout (then it is the page's main landmark itself).
 */
export function RouteError({ standalone = false }: { standalone?: boolean }) {
  const error = useRouteError();
  const notFound = (isRouteErrorResponse(error) && error.status === 404) || (error instanceof ApiError && error.status === 404);
  const content = notFound ? (
    <NotFound />
  ) : (
    <section className="error-page">
      <PageTitle>Something went wrong</PageTitle>
      <ErrorMessage error={error} title="This page could not be shown" />
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </section>
  );
  return standalone ? (
    <main id="main" tabIndex={-1}>
      {content}
    </main>
  ) : (
    content
  );
}
