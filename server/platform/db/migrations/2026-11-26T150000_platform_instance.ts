import type { Kysely } from 'kysely';

// The one row that says this instance was initialized, and when.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('platform_instance')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('initialized_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('platform_instance').execute();
}
