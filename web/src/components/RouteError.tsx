import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

export function RouteError() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <main id="main" className="error-page">
      <h1>{notFound ? 'Page not found' : 'Something went wrong'}</h1>
      <p>{notFound ? 'There is nothing at this address, or you may not open it.' : 'Please try again. If it keeps happening, tell your administrator.'}</p>
      <Link to="/">Go to the start page</Link>
    </main>
  );
}
