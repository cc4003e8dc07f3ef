import { sql, type Kysely } from 'kysely';

// TOTP secrets are now stored sealed (AES-256-GCM under a firm key), which is longer than the
// plain base32 secret. SQLite does not enforce varchar lengths; PostgreSQL needs the wider type.
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
  if (isPostgres) await sql`alter table identity_totp alter column secret type varchar(255)`.execute(db);
  // Any secret stored before sealing cannot be told apart safely: the user re-enrolls.
  await db.deleteFrom('identity_totp').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('identity_totp').execute();
}
