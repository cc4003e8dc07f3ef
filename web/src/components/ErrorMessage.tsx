import { ApiError } from '../api/client';

/**
 * Shows what failed in words a user can act on, with the stable error code and the request id
 * an administrator can find in the logs. Never a stack trace or a raw exception message: those
 * can carry internals.
 */
export function ErrorMessage({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  const apiError = error instanceof ApiError ? error : null;
  return (
    <div className="error-message" role="alert">
      <p className="error-title">{title}</p>
      <p>{apiError ? apiError.message : 'Please try again. If it keeps happening, tell your administrator.'}</p>
      {apiError && apiError.fields.length > 0 && (
        <ul>
          {apiError.fields.map((field) => (
            <li key={field.path}>
              {field.path}: {field.message}
            </li>
          ))}
        </ul>
      )}
      {apiError && (
        <p className="error-meta">
          Code <code>{apiError.code}</code>
          {apiError.requestId && (
            <>
              {' '}
              · request <code>{apiError.requestId}</code>
            </>
          )}
        </p>
      )}
    </div>
  );
}
