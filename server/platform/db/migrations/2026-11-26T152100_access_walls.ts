import type { Kysely } from 'kysely';

// Ethical walls: exclusionary (screened people) and inclusionary (matter locked to the listed
// people), their members, and memo acknowledgements. Lifting a wall fills lifted_at once; rows are
// never deleted, so the history answers "who was screened on date D".
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('access_walls')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    // null when the wall covers the whole client
    .addColumn('matter_id', 'varchar(36)')
    .addColumn('memo', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)')
    .addColumn('lifted_at', 'bigint')
    .addColumn('lifted_by', 'varchar(36)')
    .execute();
  await db.schema.createIndex('access_walls_client').on('access_walls').columns(['client_id']).execute();
  await db.schema.createIndex('access_walls_matter').on('access_walls').columns(['matter_id']).execute();
  await db.schema
    .createTable('access_wall_members')
    .addColumn('wall_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_wall_members_pk', ['wall_id', 'user_id'])
    .execute();
  await db.schema.createIndex('access_wall_members_user').on('access_wall_members').columns(['user_id', 'wall_id']).execute();
  await db.schema
    .createTable('access_wall_acknowledgements')
    .addColumn('wall_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_wall_acknowledgements_pk', ['wall_id', 'user_id'])
    .execute();
  await db.schema.createIndex('access_wall_acknowledgements_user').on('access_wall_acknowledgements').columns(['user_id', 'wall_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['access_wall_acknowledgements', 'access_wall_members', 'access_walls']) await db.schema.dropTable(table).execute();
}
