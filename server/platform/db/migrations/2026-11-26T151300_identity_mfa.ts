import type { Kysely } from 'kysely';

// Second factors: TOTP secrets (one per user), hashed recovery codes, WebAuthn passkeys, and
// short-lived WebAuthn challenges.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('identity_totp')
    .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey().references('identity_users.id'))
    .addColumn('secret', 'varchar(64)', (c) => c.notNull())
    .addColumn('confirmed_at', 'bigint')
    .addColumn('last_step', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('identity_recovery_codes')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('identity_users.id'))
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('identity_recovery_codes_user').on('identity_recovery_codes').column('user_id').execute();
  await db.schema
    .createTable('identity_passkeys')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('identity_users.id'))
    .addColumn('credential_id', 'varchar(1400)', (c) => c.notNull().unique())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull())
    .addColumn('transports', 'text', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('identity_passkeys_user').on('identity_passkeys').column('user_id').execute();
  await db.schema
    .createTable('identity_challenges')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('session_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('purpose', 'varchar(20)', (c) => c.notNull())
    .addColumn('challenge', 'varchar(200)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('identity_challenges_session').on('identity_challenges').columns(['session_id', 'purpose']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('identity_challenges').execute();
  await db.schema.dropTable('identity_passkeys').execute();
  await db.schema.dropTable('identity_recovery_codes').execute();
  await db.schema.dropTable('identity_totp').execute();
}
