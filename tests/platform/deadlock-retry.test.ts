import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/database.ts';
import { retryOnDeadlock } from '../../server/db/deadlock-retry.ts';
import { createTestDatabase, openSecondConnection, type TestDatabase } from '../support/test-databases.ts';

/** Two transactions that lock rows a and b in opposite orders, each waiting for the other to hold its first row. */
function crossedLocks(first: Db, second: Db, wrap: <T>(work: () => Promise<T>) => Promise<T>) {
  let held = 0;
  let bothHeld!: () => void;
  const barrier = new Promise<void>((resolve) => (bothHeld = resolve));
  const attempts = { first: 0, second: 0 };
  const lockInOrder = (db: Db, name: keyof typeof attempts, order: [string, string]) =>
    wrap(() =>
      db.transaction().execute(async (trx) => {
        attempts[name]++;
        await sql`update locks set n = n + 1 where id = ${order[0]}`.execute(trx);
        // Only the first attempts meet at the barrier: a retry runs once the other has finished.
        if (attempts[name] === 1 && ++held === 2) bothHeld();
        if (attempts[name] === 1) await barrier;
        await sql`update locks set n = n + 1 where id = ${order[1]}`.execute(trx);
      }),
    );
  return { attempts, results: Promise.allSettled([lockInOrder(first, 'first', ['a', 'b']), lockInOrder(second, 'second', ['b', 'a'])]) };
}

describe('retryOnDeadlock on PostgreSQL', () => {
  let database: TestDatabase;
  let other: Db;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    other = openSecondConnection(database.target);
    await sql`create table locks (id text primary key, n integer not null)`.execute(database.db);
  });
  afterAll(async () => {
    await database.destroy();
  });

  it('without it, PostgreSQL rolls one of two crossed transactions back (40P01)', async () => {
    await sql`delete from locks`.execute(database.db);
    await sql`insert into locks values ('a', 0), ('b', 0)`.execute(database.db);
    const { results } = crossedLocks(database.db, other, (work) => work());
    const settled = await results;
    const rejected = settled.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect((rejected[0] as PromiseRejectedResult).reason.code).toBe('40P01');
  });

  it('runs the transaction PostgreSQL rolled back again, so both commit once', async () => {
    await sql`delete from locks`.execute(database.db);
    await sql`insert into locks values ('a', 0), ('b', 0)`.execute(database.db);
    const { attempts, results } = crossedLocks(database.db, other, retryOnDeadlock);
    expect((await results).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(attempts.first + attempts.second).toBe(3);
    const rows = await sql<{ id: string; n: number }>`select id, n from locks order by id`.execute(database.db);
    expect(rows.rows).toEqual([
      { id: 'a', n: 2 },
      { id: 'b', n: 2 },
    ]);
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    const failing = retryOnDeadlock(async () => {
      calls++;
      throw Object.assign(new Error('unique violation'), { code: '23505' });
    });
    await expect(failing).rejects.toThrow('unique violation');
    expect(calls).toBe(1);
  });
});
