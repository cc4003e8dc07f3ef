import { sql, type Kysely } from 'kysely';

// The Merkle tree's incremental state (one row: size, frontier of perfect-subtree roots, root),
// updated in the same transaction as each append, and the stored interior nodes of level ≥ 8
// (subtrees of 256+ leaves) so proofs need O(log n) reads. Nodes are append-only.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = isPostgres(db);
  const binary = postgres ? sql`bytea` : sql`blob`;
  await db.schema
    .createTable('audit_tree_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('frontier', binary, (c) => c.notNull())
    .addColumn('root', binary, (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // The empty tree: size 0, no frontier, root SHA-256("").
  await db
    .insertInto('audit_tree_state')
    .values({ id: 1, size: 0, frontier: new Uint8Array(0), root: Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'), updated_at: 0 })
    .execute();
  await db.schema
    .createTable('audit_node')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('idx', 'bigint', (c) => c.notNull())
    .addColumn('hash', binary, (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_node_pk', ['level', 'idx'])
    .execute();
  if (postgres) {
    await sql`create trigger audit_node_append_only before update or delete on audit_node for each row execute function audit_refuse_change()`.execute(db);
    await sql`create trigger audit_node_no_truncate before truncate on audit_node for each statement execute function audit_refuse_change()`.execute(db);
  } else {
    await sql`create trigger audit_node_no_update before update on audit_node begin select raise(abort, 'audit tables are append-only'); end`.execute(db);
    await sql`create trigger audit_node_no_delete before delete on audit_node begin select raise(abort, 'audit tables are append-only'); end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_node').execute();
  await db.schema.dropTable('audit_tree_state').execute();
}

function isPostgres(db: Kysely<any>): boolean {
  // Dialect branch: the binary type and the trigger syntax differ.
  return db.getExecutor().adapter.constructor.name === 'PostgresAdapter';
}
