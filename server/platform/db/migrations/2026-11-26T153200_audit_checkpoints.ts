import { sql, type Kysely } from 'kysely';

// Signed checkpoints (C2SP tlog-checkpoint signed notes), one per tree size; append-only.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = isPostgres(db);
  const binary = postgres ? sql`bytea` : sql`blob`;
  await db.schema
    .createTable('audit_checkpoint')
    .addColumn('size', 'bigint', (c) => c.primaryKey())
    .addColumn('root', binary, (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  if (postgres) {
    await sql`create trigger audit_checkpoint_append_only before update or delete on audit_checkpoint for each row execute function audit_refuse_change()`.execute(db);
  } else {
    await sql`create trigger audit_checkpoint_no_update before update on audit_checkpoint begin select raise(abort, 'audit tables are append-only'); end`.execute(db);
    await sql`create trigger audit_checkpoint_no_delete before delete on audit_checkpoint begin select raise(abort, 'audit tables are append-only'); end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_checkpoint').execute();
}

function isPostgres(db: Kysely<any>): boolean {
  // Dialect branch: the binary type and the trigger syntax differ.
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}
