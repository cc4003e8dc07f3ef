import type { Kysely } from 'kysely';

// Access reviews (issue 19): campaigns and their items — one per team seat and per client grant
// on each matter, certified by the matter's lead attorney; ids only, no client content.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('compliance_access_reviews')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .execute();
  await db.schema
    .createTable('compliance_review_items')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('review_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('subject_user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('role', 'varchar(32)', (c) => c.notNull())
    .addColumn('grant_id', 'varchar(36)')
    .addColumn('reviewer_user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('decision', 'varchar(16)')
    .addColumn('decided_by', 'varchar(64)')
    .addColumn('decided_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('failure', 'varchar(64)')
    .execute();
  await db.schema.createIndex('compliance_review_items_review').on('compliance_review_items').columns(['review_id', 'reviewer_user_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('compliance_review_items').execute();
  await db.schema.dropTable('compliance_access_reviews').execute();
}
