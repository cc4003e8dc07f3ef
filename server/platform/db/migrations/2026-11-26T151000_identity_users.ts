import type { Kysely } from 'kysely';

// Accounts: staff (one firm role) and portal clients. Emails are stored lower-cased.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('identity_users')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('role', 'varchar(40)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(36)')
    .addColumn('password_hash', 'text')
    .addColumn('password_changed_at', 'bigint')
    .addColumn('disabled_at', 'bigint')
    .addColumn('leaving_on', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('identity_users').execute();
}
