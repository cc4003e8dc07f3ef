/** Named positions in the event stream (monitoring rules, each sink) and small status records. */
import type { AppServices } from '../platform/context.js';
import { findCursor, upsertCursor } from './cursors.repository.js';

export async function readCursor(services: AppServices, name: string): Promise<{ position: number; status: string | null }> {
  return (await findCursor(services.database.db, name)) ?? { position: -1, status: null };
}

export async function writeCursor(services: AppServices, name: string, position: number, status: string | null = null): Promise<void> {
  await upsertCursor(services.database.db, { name, position, status, updatedAt: services.clock.now() });
}

/** Serializes runs of one background task per services instance (no overlapping sweeps). */
export function serialized(fn: (services: AppServices) => Promise<void>): (services: AppServices) => Promise<void> {
  const running = new WeakMap<AppServices, Promise<void>>();
  return (services) => {
    const previous = running.get(services) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => fn(services));
    running.set(services, next);
    return next;
  };
}
