import { useCallback, useEffect, useState } from 'react';

/** Loads data for a page and reloads on demand; `error` holds the ApiError to show. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: unknown; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const stable = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setError(null);
    stable().then(
      (value) => live && setData(value),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [stable, tick]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`;
}

export const formatDate = (ms: number) => new Date(ms).toLocaleString();
