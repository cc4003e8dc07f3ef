import type { Kysely } from 'kysely';

// Server-side sessions: only the SHA-256 of the cookie secret and of the CSRF token are stored.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('identity_sessions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('identity_users.id'))
    .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('csrf_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('method', 'varchar(20)', (c) => c.notNull())
    // Whether this session must complete a second factor before reaching anything but enrollment.
    .addColumn('mfa_required', 'integer', (c) => c.notNull())
    .addColumn('mfa_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('ip', 'varchar(64)')
    .addColumn('user_agent', 'varchar(300)')
    .execute();
  await db.schema.createIndex('identity_sessions_user').on('identity_sessions').columns(['user_id', 'revoked_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('identity_sessions').execute();
}
