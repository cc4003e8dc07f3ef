import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../config.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test-support/dialects.js';
import { openDatabase, type Database } from './database.js';
import { assertMigrated, computeManifest, migrateToLatest, migrationStatus, readManifest } from './migrate.js';

describe('migration manifest', () => {
  it('matches the migration sources (run `npm run migrations:manifest` after adding one)', () => {
    expect(readManifest()).toEqual(computeManifest());
  });
});

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  let testDb: TestDatabase;
  let database: Database;
  afterEach(async () => {
    await database?.close();
    await testDb?.drop();
  });

  async function open(): Promise<Database> {
    testDb = await createTestDatabase(dialect);
    database = openDatabase(testConfig(testDb.dataDir, { DATABASE_URL: testDb.url }));
    return database;
  }

  it('refuses to start with pending migrations, then passes once applied', async () => {
    await open();
    await expect(assertMigrated(database)).rejects.toThrow(/pending/);
    const applied = await migrateToLatest(database);
    expect(applied.length).toBeGreaterThan(0);
    await expect(assertMigrated(database)).resolves.toBeUndefined();
    expect(await migrateToLatest(database)).toEqual([]);
  });

  it('refuses an altered history', async () => {
    await open();
    await migrateToLatest(database);
    const first = Object.keys(readManifest())[0]!;
    await database.db.updateTable('confidant_migration_checksum').set({ sha256: '0'.repeat(64) }).where('name', '=', first).execute();
    expect((await migrationStatus(database)).altered).toEqual([first]);
    await expect(assertMigrated(database)).rejects.toThrow(/altered/);
    await expect(migrateToLatest(database)).rejects.toThrow(/altered/);
  });

  it('treats an applied migration missing from the code as altered', async () => {
    await open();
    await migrateToLatest(database);
    await database.db.insertInto('kysely_migration').values({ name: '2099-01-01T000000_ghost', timestamp: new Date().toISOString() }).execute();
    expect((await migrationStatus(database)).altered).toContain('2099-01-01T000000_ghost');
  });
});
