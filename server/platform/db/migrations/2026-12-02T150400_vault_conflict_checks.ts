import type { Kysely } from 'kysely';

// Conflict checks at intake (issue 14, point 6; ABA Model Rules 1.7, 1.9, 1.10). One row per
// client or matter opened: who asked, the outcome, the hits as ids only (which searched name of
// the intake matched which client or party, exactly or by conflict key) — never a name — and the
// compliance officer's decision. A waiver's note (the client's consent) is sealed under the
// intake client's key.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('vault_conflict_checks')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('subject', 'varchar(20)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull().references('vault_clients.id'))
    .addColumn('matter_id', 'varchar(36)', (c) => c.references('vault_matters.id'))
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('hit_count', 'integer', (c) => c.notNull())
    .addColumn('hits', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_by', 'varchar(36)')
    .addColumn('decided_at', 'bigint')
    .addColumn('note_sealed', 'text')
    .addColumn('note_key_version', 'integer')
    .execute();
  await db.schema.createIndex('vault_conflict_checks_status').on('vault_conflict_checks').columns(['status', 'id']).execute();
  await db.schema.createIndex('vault_conflict_checks_requester').on('vault_conflict_checks').columns(['requested_by', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('vault_conflict_checks').execute();
}
