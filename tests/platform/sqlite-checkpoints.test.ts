import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db } from '../../server/db/database.ts';

describe('SQLite WAL checkpoints', () => {
  const dirs: string[] = [];
  const dbs: Db[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.destroy();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('copies committed writes into the database file from its own thread, within about a second', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wal-'));
    dirs.push(dir);
    const file = path.join(dir, 'app.sqlite');
    const db = createDatabase({ kind: 'sqlite', path: file });
    dbs.push(db);
    await sql`create table blobs (id integer primary key, body blob not null)`.execute(db);
    // The server's connection checkpoints itself only past 10,000 pages (40 MiB), as a fallback.
    expect((await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db)).rows[0]!.wal_autocheckpoint).toBe(10_000);
    const before = (await stat(file)).size;
    // About 4 MiB, 1,000 pages: SQLite's default would have checkpointed on this thread at the commit that passed it.
    for (let i = 0; i < 64; i++) await sql`insert into blobs (body) values (${Buffer.alloc(64 * 1024, i)})`.execute(db);
    // So only the checkpoint thread can copy them into the database file.
    const deadline = Date.now() + 5000;
    while ((await stat(file)).size < before + 4 * 1024 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await stat(file)).size).toBeGreaterThanOrEqual(before + 4 * 1024 * 1024);
    const rows = await sql<{ n: number }>`select count(*) as n from blobs`.execute(db);
    expect(rows.rows[0]!.n).toBe(64);
  });
});
