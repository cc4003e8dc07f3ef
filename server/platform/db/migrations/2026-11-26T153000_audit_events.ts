import { sql, type Kysely } from 'kysely';

// The append-only audit log: one row per event, `seq` is the gapless leaf index of the Merkle
// tree and `leaf` the event's exact RFC 8785 canonical bytes. The other columns repeat fields of
// the leaf so reports can use indexes; verification checks they agree with the leaf.
// UPDATE, DELETE (and TRUNCATE on PostgreSQL) are refused by triggers.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = isPostgres(db);
  const binary = postgres ? sql`bytea` : sql`blob`;
  await db.schema
    .createTable('audit_event')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('leaf', binary, (c) => c.notNull())
    .addColumn('leaf_hash', binary, (c) => c.notNull())
    .addColumn('actor_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('actor_id', 'varchar(100)')
    .addColumn('session_id', 'varchar(100)')
    .addColumn('request_id', 'varchar(100)')
    .addColumn('ip', 'varchar(64)')
    .addColumn('user_agent', 'varchar(300)')
    .addColumn('action', 'varchar(100)', (c) => c.notNull())
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('reason', 'varchar(100)')
    .addColumn('client_id', 'varchar(100)')
    .addColumn('matter_id', 'varchar(100)')
    .addColumn('document_id', 'varchar(100)')
    .addColumn('target_user_id', 'varchar(100)')
    .addColumn('other_type', 'varchar(50)')
    .addColumn('other_id', 'varchar(100)')
    .addColumn('purpose', 'varchar(500)')
    .execute();
  // Breach scope ("everything actor A touched between T1 and T2") and "who accessed X" reports:
  // each is one range scan on (id, at) then rows in seq order.
  await db.schema.createIndex('audit_event_actor_at').on('audit_event').columns(['actor_id', 'at']).execute();
  await db.schema.createIndex('audit_event_client_at').on('audit_event').columns(['client_id', 'at']).execute();
  await db.schema.createIndex('audit_event_matter_at').on('audit_event').columns(['matter_id', 'at']).execute();
  await db.schema.createIndex('audit_event_document_at').on('audit_event').columns(['document_id', 'at']).execute();
  await db.schema.createIndex('audit_event_at').on('audit_event').column('at').execute();

  if (postgres) {
    // PostgreSQL: one refusing function, row triggers for UPDATE/DELETE and a statement trigger for TRUNCATE.
    await sql`create or replace function audit_refuse_change() returns trigger language plpgsql as $$
      begin raise exception 'audit tables are append-only (% on %)', tg_op, tg_table_name; end $$`.execute(db);
    await sql`create trigger audit_event_append_only before update or delete on audit_event for each row execute function audit_refuse_change()`.execute(db);
    await sql`create trigger audit_event_no_truncate before truncate on audit_event for each statement execute function audit_refuse_change()`.execute(db);
  } else {
    await sql`create trigger audit_event_no_update before update on audit_event begin select raise(abort, 'audit tables are append-only'); end`.execute(db);
    await sql`create trigger audit_event_no_delete before delete on audit_event begin select raise(abort, 'audit tables are append-only'); end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_event').execute();
  if (isPostgres(db)) await sql`drop function if exists audit_refuse_change()`.execute(db);
}

function isPostgres(db: Kysely<any>): boolean {
  // Dialect branch: the binary type and the trigger syntax differ.
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}
