/**
 * The request context every service function takes first: who is acting, on which request, and
 * the database handle to use (a transaction when inside one). CLI commands and jobs build a system
 * context, audited like anyone.
 */
import type { Logger } from 'pino';
import type { FirmRole } from '../../common/roles.js';
import type { ClientId, UserId } from '../../common/ids.js';
import type { Config } from '../config.js';
import type { BlobStore } from './blobs/blob-store.js';
import type { Clock } from './clock.js';
import type { AnyDb, Database } from './db/database.js';
import type { JobQueue } from './jobs/job-queue.js';
import type { Mailer } from './mail/mailer.js';
import { runAfterRollback } from './errors.js';
import { newId } from './ids.js';

/** Long-lived services built once at boot and shared by every request. */
export interface AppServices {
  config: Config;
  database: Database;
  blobs: BlobStore;
  jobs: JobQueue;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
}

export type Actor =
  | {
      kind: 'user';
      userId: UserId;
      role: FirmRole;
      /** Set for portal users: the client whose data they are. */
      clientId: ClientId | null;
      sessionId: string | null;
      tokenId: string | null;
      /** When the session last completed an MFA check (epoch ms), or null. */
      mfaAt: number | null;
    }
  | { kind: 'system'; name: string }
  | { kind: 'anonymous' };

export interface RequestContext {
  app: AppServices;
  db: AnyDb;
  actor: Actor;
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

export const ANONYMOUS: Actor = { kind: 'anonymous' };

export function systemContext(app: AppServices, name: string): RequestContext {
  return { app, db: app.database.db, actor: { kind: 'system', name }, requestId: newId(), ip: null, userAgent: null };
}

/** Runs `work` in a transaction, or joins the one `ctx` is already in. */
export async function inTransaction<T>(ctx: RequestContext, work: (ctx: RequestContext) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return work(ctx);
  try {
    return await ctx.db.transaction().execute((trx) => work({ ...ctx, db: trx }));
  } catch (error) {
    // The transaction is rolled back and its connection released: now record what must survive.
    await runAfterRollback(error);
    throw error;
  }
}

export function actorUserId(actor: Actor): UserId | null {
  return actor.kind === 'user' ? actor.userId : null;
}
