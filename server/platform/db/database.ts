/**
 * Connects to the configured database: SQLite (embedded default, WAL, foreign keys, busy timeout,
 * full sync for durable audit) or PostgreSQL (scale-out). Everything above this file is
 * dialect-neutral Kysely; the few places that differ check `database.kind`.
 *
 * Storage conventions every module follows (so queries run unchanged on both engines):
 * - ids are text (UUIDv7, time-ordered), times are integer epoch milliseconds (`bigint` on
 *   PostgreSQL, returned as JS numbers), booleans are integers 0/1, binary is `blob`/`bytea`.
 */
import { mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from '../../config.js';

// int8 (bigint) columns hold epoch milliseconds and sequence numbers, all far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

// Tables are typed per module (each repository narrows with `tablesOf`); the platform handle
// cannot know them all without coupling every module together.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;

export interface Database {
  kind: 'sqlite' | 'postgres';
  db: AnyDb;
  /** The raw better-sqlite3 handle on the embedded default, for checkpoints and benchmarks. */
  sqlite: SqliteDatabase.Database | null;
  close(): Promise<void>;
}

export function openDatabase(config: Pick<Config, 'database'>, options: { poolSize?: number } = {}): Database {
  if (config.database.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.database.url, max: options.poolSize ?? 10, connectionTimeoutMillis: 5000 });
    // A dropped connection must not crash the process; the next query reports the failure.
    pool.on('error', () => undefined);
    // A checked-out client that loses its connection emits 'error' on itself, not on the pool;
    // unheard, that event would end the process. The failing query still rejects (→ 503).
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    return { kind: 'postgres', db, sqlite: null, close: () => db.destroy() };
  }
  mkdirSync(dirname(config.database.sqlitePath), { recursive: true, mode: 0o700 });
  // Create the file owner-only before SQLite does (it would use the umask, usually 0644); the
  // -wal and -shm files SQLite adds later copy this mode.
  if (!existsSync(config.database.sqlitePath)) {
    try {
      writeFileSync(config.database.sqlitePath, '', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const sqlite = new SqliteDatabase(config.database.sqlitePath);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
  return { kind: 'sqlite', db, sqlite, close: () => db.destroy() };
}

/** Narrows the platform handle to the tables one module owns. */
export function tablesOf<T>(db: AnyDb | Transaction<unknown>): Kysely<T> {
  return db as unknown as Kysely<T>;
}

/** True when `db` is already inside a transaction (so callers join it instead of nesting). */
export function isTransaction(db: AnyDb): boolean {
  return db.isTransaction;
}
