/**
 * The databases integration tests run on: SQLite always, PostgreSQL whenever
 * CONFIDANT_TEST_DATABASE_URL is set (CI sets it). Each test database is created fresh and
 * dropped afterwards; tests never share one.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';

const postgresUrl = process.env.CONFIDANT_TEST_DATABASE_URL;

export const DIALECTS: Dialect[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDatabase {
  dialect: Dialect;
  /** Value for DATABASE_URL. */
  url: string;
  dataDir: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'confidant-test-'));
  if (dialect === 'sqlite') {
    return {
      dialect,
      url: `sqlite:${join(dataDir, 'confidant.db')}`,
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  if (!postgresUrl) throw new Error('CONFIDANT_TEST_DATABASE_URL is not set');
  const name = `confidant_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    dialect,
    url: url.toString(),
    dataDir,
    drop: async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
