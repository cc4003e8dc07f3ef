import type { Kysely } from 'kysely';

// What an executed disclosure released, item by item (issue 15, point 5): the document version
// pinned at execution and the SHA-256 of its bytes. A note's text is snapshotted (sealed under the
// client's key) so the recipient receives exactly the bytes that were hashed and recorded.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('consent_released_items')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('disclosure_id', 'varchar(36)', (c) => c.notNull().references('consent_disclosures.id'))
    .addColumn('item_type', 'varchar(20)', (c) => c.notNull())
    .addColumn('item_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('content_type', 'varchar(200)', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('name_sealed', 'text', (c) => c.notNull())
    .addColumn('content_sealed', 'text')
    .execute();
  await db.schema.createIndex('consent_released_items_disclosure').on('consent_released_items').columns(['disclosure_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('consent_released_items').execute();
}
