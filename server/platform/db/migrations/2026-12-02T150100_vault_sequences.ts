import type { Kysely } from 'kysely';

// Firm numbering (issue 14, point 5): one counter per scope ('matter:2026', 'matter:2026:0007',
// 'client'), taken with a single upsert in the creating transaction, so two concurrent creations
// never get the same value (the unique matter number stays as the backstop). Clients get a plain
// firm number too, for the `{client}` token of MATTER_NUMBER_FORMAT (null for clients created
// before this migration until a matter needs it).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('vault_sequences')
    .addColumn('scope', 'varchar(60)', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('vault_clients').addColumn('number', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_clients').dropColumn('number').execute();
  await db.schema.dropTable('vault_sequences').execute();
}
