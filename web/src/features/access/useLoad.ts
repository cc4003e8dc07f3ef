import { useCallback, useEffect, useState } from 'react';

/** Loads data on mount (and on `reload`), keeping the error to show beside the page. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: unknown; reload: () => Promise<void>; setError: (e: unknown) => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  // `deps` are the caller's: reload when they change (like useEffect's own list).
  const reload = useCallback(async () => {
    setError(null);
    try {
      setData(await load());
    } catch (e) {
      setError(e);
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload, setError };
}
