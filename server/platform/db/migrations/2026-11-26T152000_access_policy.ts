import type { Kysely } from 'kysely';

// Access policy: which client owns each matter, matter teams, client-level grants, their history
// rows (never overwritten, for "who could access on date D"), and the policy version counter every
// request compares against its cached decisions.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('access_clients')
    .addColumn('client_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('created_by', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('access_matters')
    .addColumn('matter_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('access_matters_client').on('access_matters').columns(['client_id', 'matter_id']).execute();

  // Current team: one row per (matter, user); every change also appends to access_team_history.
  await db.schema
    .createTable('access_team_members')
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('role', 'varchar(20)', (c) => c.notNull())
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addColumn('added_by', 'varchar(36)', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_team_members_pk', ['matter_id', 'user_id'])
    .execute();
  await db.schema.createIndex('access_team_members_user').on('access_team_members').columns(['user_id', 'matter_id']).execute();
  await db.schema
    .createTable('access_team_history')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('matter_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    // null when the person was removed from the team
    .addColumn('role', 'varchar(20)')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('by_user_id', 'varchar(36)')
    .execute();
  await db.schema.createIndex('access_team_history_matter').on('access_team_history').columns(['matter_id', 'at']).execute();

  // Client-level grants: rows are only ever appended; a revocation fills revoked_at once.
  await db.schema
    .createTable('access_client_grants')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('client_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('role', 'varchar(20)', (c) => c.notNull())
    .addColumn('granted_at', 'bigint', (c) => c.notNull())
    .addColumn('granted_by', 'varchar(36)')
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('revoked_by', 'varchar(36)')
    .addColumn('reason', 'varchar(20)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('access_client_grants_user').on('access_client_grants').columns(['user_id', 'client_id']).execute();
  await db.schema.createIndex('access_client_grants_client').on('access_client_grants').columns(['client_id']).execute();

  await db.schema
    .createTable('access_policy_version')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    // a random token, not a counter: a rolled-back bump must never be reused by a later commit
    .addColumn('version', 'varchar(36)', (c) => c.notNull())
    .execute();
  await db.insertInto('access_policy_version').values({ id: 1, version: 'initial' }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['access_policy_version', 'access_client_grants', 'access_team_history', 'access_team_members', 'access_matters', 'access_clients']) {
    await db.schema.dropTable(table).execute();
  }
}
