import type { Kysely } from 'kysely';

// A physical record's destruction (status 'destroyed', label and location wiped): when, how (a
// short method code such as shredding or return to the client — never client content) and the
// member of staff who witnessed it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_records').addColumn('destroyed_at', 'bigint').execute();
  await db.schema.alterTable('vault_records').addColumn('destruction_method', 'varchar(100)').execute();
  await db.schema.alterTable('vault_records').addColumn('destruction_witness', 'varchar(36)').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('vault_records').dropColumn('destruction_witness').execute();
  await db.schema.alterTable('vault_records').dropColumn('destruction_method').execute();
  await db.schema.alterTable('vault_records').dropColumn('destroyed_at').execute();
}
