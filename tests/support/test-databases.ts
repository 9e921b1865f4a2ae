import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type DatabaseTarget, type Db } from '../../server/db/database.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';

export const databaseKinds = ['sqlite', 'postgres'] as const;
export type DatabaseKind = (typeof databaseKinds)[number];

export interface TestDatabase {
  db: Db;
  target: DatabaseTarget;
  /** Closes every connection opened on it (openSecondConnection's too) and drops it. */
  destroy(): Promise<void>;
}

const extraConnections = new Map<string, Db[]>();
const keyOf = (target: DatabaseTarget) => (target.kind === 'postgres' ? target.url : target.path);

/** A fresh, migrated database of its own: a temp SQLite file, or a new database on the run's PostgreSQL. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oneway-sqlite-'));
    const target: DatabaseTarget = { kind: 'sqlite', path: path.join(dir, 'test.sqlite') };
    return open(target, async () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  const adminUrl = inject('postgresUrl');
  const name = `t_${randomBytes(8).toString('hex')}`;
  await asAdmin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const target: DatabaseTarget = { kind: 'postgres', url: url.toString() };
  // FORCE ends any connection a test forgot to close.
  return open(target, () => asAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Another independent Db (its own pool or SQLite handle) on the same database, as a second process would have. */
export function openSecondConnection(target: DatabaseTarget): Db {
  const db = createDatabase(target);
  const key = keyOf(target);
  extraConnections.set(key, [...(extraConnections.get(key) ?? []), db]);
  return db;
}

async function open(target: DatabaseTarget, drop: () => Promise<void>): Promise<TestDatabase> {
  const db = createDatabase(target);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    await drop();
    throw error;
  }
  return {
    db,
    target,
    async destroy() {
      const key = keyOf(target);
      // Kysely's destroy is idempotent, so connections the test closed itself are fine here.
      await Promise.all([db, ...(extraConnections.get(key) ?? [])].map((d) => d.destroy()));
      extraConnections.delete(key);
      await drop();
    },
  };
}

async function asAdmin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
