import type { Kysely } from 'kysely';

// One-time links: the first-administrator setup link and invitations (hashed tokens).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('identity_one_time_links')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('purpose', 'varchar(20)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)')
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('used_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('identity_one_time_links').execute();
}
