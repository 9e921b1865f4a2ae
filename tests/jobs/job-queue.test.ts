import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobQueue } from '../../server/jobs/job-queue.ts';
import {
  JobWorker,
  PermanentJobError,
  RetryJobLater,
  defaultBackoffMs,
  type JobHandler,
  type JobWorkerOptions,
} from '../../server/jobs/job-worker.ts';
import { ManualClock, systemClock } from '../../server/shared/clock.ts';
import { createLogger } from '../../server/shared/logger.ts';
import { createTestDatabase, databaseKinds, openSecondConnection, type TestDatabase } from '../support/test-databases.ts';

const logger = createLogger('silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('defaultBackoffMs', () => {
  it('doubles from one second with ±20% jitter and caps at an hour', () => {
    for (let i = 0; i < 50; i++) {
      expect(defaultBackoffMs(1)).toBeGreaterThanOrEqual(800);
      expect(defaultBackoffMs(1)).toBeLessThanOrEqual(1200);
      expect(defaultBackoffMs(3)).toBeGreaterThanOrEqual(3200);
      expect(defaultBackoffMs(3)).toBeLessThanOrEqual(4800);
      expect(defaultBackoffMs(40)).toBeLessThanOrEqual(3600_000 * 1.2);
    }
  });
});

describe.each(databaseKinds)('job queue on %s', (kind) => {
  let t: TestDatabase;
  let clock: ManualClock;
  let queue: JobQueue;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
  });
  afterAll(() => t.destroy());
  beforeEach(async () => {
    await t.db.deleteFrom('jobs').execute();
    clock = new ManualClock(Date.UTC(2026, 10, 21, 9, 0, 0));
    queue = new JobQueue(t.db, clock);
  });

  const workerFor = (handlers: Record<string, JobHandler>, options: JobWorkerOptions = {}) =>
    new JobWorker(t.db, queue, clock, handlers, logger, { pollMs: 10, ...options });
  const jobRow = (id: string) => t.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('runs an enqueued job with its payload when drained', async () => {
    const seen: unknown[] = [];
    const worker = workerFor({ greet: { run: async (payload, ctx) => void seen.push({ payload, attempt: ctx.attempt }) } });
    const id = await queue.enqueue({ name: 'greet', payload: { to: 'Ada', n: 3 } });
    expect(id).toEqual(expect.any(String));

    expect(await worker.drain()).toBe(1);
    expect(seen).toEqual([{ payload: { to: 'Ada', n: 3 }, attempt: 1 }]);
    expect(await jobRow(id!)).toMatchObject({ status: 'done', attempts: 1, locked_by: null, locked_until: null, last_error: null, finished_at: clock.now() });
    expect(await worker.drain()).toBe(0);
  });

  it('leaves a job scheduled in the future alone until it is due', async () => {
    const ran: string[] = [];
    const worker = workerFor({ later: { run: async (_p, ctx) => void ran.push(ctx.jobId) } });
    const id = await queue.enqueue({ name: 'later', runAt: clock.now() + 5000 });
    expect(await worker.drain()).toBe(0);
    clock.advance(5000);
    expect(await worker.drain()).toBe(1);
    expect(ran).toEqual([id]);
  });

  it('retries a failing job with backoff and fails it for good after max attempts', async () => {
    let calls = 0;
    const worker = workerFor({
      flaky: {
        run: async () => {
          calls++;
          throw new Error(`boom ${calls}`);
        },
        backoffMs: (attempt) => attempt * 1000,
      },
    });
    const id = (await queue.enqueue({ name: 'flaky', maxAttempts: 3 }))!;
    const start = clock.now();

    expect(await worker.drain()).toBe(1);
    expect(await jobRow(id)).toMatchObject({ status: 'queued', attempts: 1, run_at: start + 1000, last_error: 'boom 1', locked_by: null, finished_at: null });

    clock.advance(999);
    expect(await worker.drain()).toBe(0);
    clock.advance(1);
    expect(await worker.drain()).toBe(1);
    expect(await jobRow(id)).toMatchObject({ status: 'queued', attempts: 2, run_at: clock.now() + 2000, last_error: 'boom 2' });

    clock.advance(2000);
    expect(await worker.drain()).toBe(1);
    expect(await jobRow(id)).toMatchObject({ status: 'failed', attempts: 3, last_error: 'boom 3', finished_at: clock.now(), locked_by: null });

    clock.advance(3600_000);
    expect(await worker.drain()).toBe(0);
    expect(calls).toBe(3);
  });

  it('uses the default jittered backoff when the handler has none', async () => {
    const worker = workerFor({ flaky: { run: async () => Promise.reject(new Error('nope')) } });
    const id = (await queue.enqueue({ name: 'flaky' }))!;
    await worker.drain();
    const row = await jobRow(id);
    expect(row.run_at - clock.now()).toBeGreaterThanOrEqual(800);
    expect(row.run_at - clock.now()).toBeLessThanOrEqual(1200);
  });

  it('fails at once on PermanentJobError', async () => {
    let calls = 0;
    const worker = workerFor({
      doomed: {
        run: async () => {
          calls++;
          throw new PermanentJobError('address rejected');
        },
      },
    });
    const id = (await queue.enqueue({ name: 'doomed', maxAttempts: 5 }))!;
    expect(await worker.drain()).toBe(1);
    clock.advance(24 * 3600_000);
    expect(await worker.drain()).toBe(0);
    expect(calls).toBe(1);
    expect(await jobRow(id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'address rejected', finished_at: clock.now() - 24 * 3600_000 });
  });

  it('leaves a job this worker has no handler for to a worker that has one', async () => {
    const worker = workerFor({ known: { run: async () => {} } });
    // Claim only picks names it knows, so an unknown name stays queued for a worker that knows it.
    const unknown = (await queue.enqueue({ name: 'unknown' }))!;
    expect(await worker.drain()).toBe(0);
    expect(await jobRow(unknown)).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('schedules RetryJobLater at now + the asked delay', async () => {
    let calls = 0;
    const worker = workerFor({
      rateLimited: {
        run: async () => {
          if (++calls === 1) throw new RetryJobLater(30_000, 'HTTP 429');
        },
        backoffMs: () => 1,
      },
    });
    const id = (await queue.enqueue({ name: 'rateLimited' }))!;
    expect(await worker.drain()).toBe(1);
    expect(await jobRow(id)).toMatchObject({ status: 'queued', attempts: 1, run_at: clock.now() + 30_000, last_error: 'HTTP 429' });

    clock.advance(29_999);
    expect(await worker.drain()).toBe(0);
    clock.advance(1);
    expect(await worker.drain()).toBe(1);
    expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('dedupes live jobs by uniqueKey and allows a new one once the first is done', async () => {
    const ran: unknown[] = [];
    const worker = workerFor({ finalize: { run: async (payload) => void ran.push(payload) } });
    const first = await queue.enqueue({ name: 'finalize', uniqueKey: 'answer:1', payload: { n: 1 } });
    const again = await queue.enqueue({ name: 'finalize', uniqueKey: 'answer:1', payload: { n: 2 } });
    const other = await queue.enqueue({ name: 'finalize', uniqueKey: 'answer:2', payload: { n: 3 } });
    expect(first).toEqual(expect.any(String));
    expect(again).toBeNull();
    expect(other).toEqual(expect.any(String));
    expect(await t.db.selectFrom('jobs').select('id').execute()).toHaveLength(2);

    expect(await worker.drain()).toBe(2);
    expect(ran).toEqual(expect.arrayContaining([{ n: 1 }, { n: 3 }]));

    const next = await queue.enqueue({ name: 'finalize', uniqueKey: 'answer:1', payload: { n: 4 } });
    expect(next).toEqual(expect.any(String));
    expect(next).not.toBe(first);
    expect(await worker.drain()).toBe(1);
    expect(ran).toContainEqual({ n: 4 });
  });

  it('also treats a running job as live for its uniqueKey', async () => {
    const id = (await queue.enqueue({ name: 'finalize', uniqueKey: 'answer:9' }))!;
    await t.db.updateTable('jobs').set({ status: 'running', locked_by: 'w', locked_until: clock.now() + 1000 }).where('id', '=', id).execute();
    expect(await queue.enqueue({ name: 'finalize', uniqueKey: 'answer:9' })).toBeNull();
    await t.db.updateTable('jobs').set({ status: 'failed' }).where('id', '=', id).execute();
    expect(await queue.enqueue({ name: 'finalize', uniqueKey: 'answer:9' })).toEqual(expect.any(String));
  });

  it('re-enqueues a recurring handler everyMs after each run, once per key', async () => {
    let runs = 0;
    const handlers = { sweep: { everyMs: 60_000, run: async () => void runs++ } };
    const worker = workerFor(handlers);
    await worker.start();
    await vi.waitFor(() => expect(runs).toBe(1), { timeout: 5000, interval: 5 });
    await worker.stop();

    const live = () => t.db.selectFrom('jobs').selectAll().where('status', '=', 'queued').execute();
    expect(await live()).toMatchObject([{ name: 'sweep', unique_key: 'recurring:sweep', run_at: clock.now() + 60_000 }]);

    // A restart (or a second process) does not queue a duplicate sweep.
    const restarted = workerFor(handlers);
    await restarted.start();
    await restarted.stop();
    expect(await live()).toHaveLength(1);

    const drainer = workerFor(handlers);
    expect(await drainer.drain()).toBe(0);
    clock.advance(60_000);
    expect(await drainer.drain()).toBe(1);
    expect(runs).toBe(2);
    expect(await live()).toMatchObject([{ name: 'sweep', run_at: clock.now() + 60_000 }]);
    expect(await t.db.selectFrom('jobs').select('id').where('status', '=', 'done').execute()).toHaveLength(2);
  });

  it('keeps a recurring handler going after it fails for good', async () => {
    const worker = workerFor({ sweep: { everyMs: 1000, run: async () => Promise.reject(new PermanentJobError('broken')) } });
    await queue.enqueue({ name: 'sweep', uniqueKey: 'recurring:sweep' });
    expect(await worker.drain()).toBe(1);
    const rows = await t.db.selectFrom('jobs').select(['status', 'run_at']).orderBy('created_at').execute();
    expect(rows).toEqual(expect.arrayContaining([{ status: 'failed', run_at: expect.any(Number) }, { status: 'queued', run_at: clock.now() + 1000 }]));
  });

  it('takes over a job whose worker died (expired lease) but not one still leased', async () => {
    const ran: string[] = [];
    const worker = workerFor({ work: { run: async (_p, ctx) => void ran.push(`${ctx.jobId}#${ctx.attempt}`) } }, { leaseMs: 60_000 });
    const dead = (await queue.enqueue({ name: 'work' }))!;
    const alive = (await queue.enqueue({ name: 'work' }))!;
    await t.db.updateTable('jobs').set({ status: 'running', attempts: 1, locked_by: 'dead-worker', locked_until: clock.now() - 1 }).where('id', '=', dead).execute();
    await t.db.updateTable('jobs').set({ status: 'running', attempts: 1, locked_by: 'busy-worker', locked_until: clock.now() + 1000 }).where('id', '=', alive).execute();

    expect(await worker.drain()).toBe(1);
    expect(ran).toEqual([`${dead}#2`]);
    expect(await jobRow(dead)).toMatchObject({ status: 'done', attempts: 2, locked_by: null });
    expect(await jobRow(alive)).toMatchObject({ status: 'running', locked_by: 'busy-worker' });

    clock.advance(1001);
    expect(await worker.drain()).toBe(1);
    expect(await jobRow(alive)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('does not run a job again whose worker died during its last attempt: it fails, and its handler records the failure', async () => {
    const runs: number[] = [];
    const givenUp: unknown[] = [];
    const worker = workerFor({
      poison: {
        run: async (_p, ctx) => void runs.push(ctx.attempt),
        givenUp: async (payload, ctx, error) => void givenUp.push({ payload, attempt: ctx.attempt, error }),
      },
    });
    const id = (await queue.enqueue({ name: 'poison', payload: { answerId: 'a1' }, maxAttempts: 3 }))!;
    // Three workers each claimed it and were killed mid-run (out of memory, say): the last lease has run out.
    await t.db.updateTable('jobs').set({ status: 'running', attempts: 3, locked_by: 'killed-worker', locked_until: clock.now() - 1 }).where('id', '=', id).execute();

    expect(await worker.drain()).toBe(1);
    expect(runs).toEqual([]);
    const error = 'the worker running attempt 3 of 3 stopped before it finished (its lease ran out); not run again';
    expect(givenUp).toEqual([{ payload: { answerId: 'a1' }, attempt: 3, error }]);
    expect(await jobRow(id)).toMatchObject({ status: 'failed', attempts: 3, last_error: error, locked_by: null, finished_at: clock.now() });
    clock.advance(24 * 3600_000);
    expect(await worker.drain()).toBe(0);
    expect(runs).toEqual([]);
  });

  it('still runs a job taken over before its last attempt, as that attempt', async () => {
    const runs: number[] = [];
    const worker = workerFor({ work: { run: async (_p, ctx) => void runs.push(ctx.attempt) } });
    const id = (await queue.enqueue({ name: 'work', maxAttempts: 3 }))!;
    await t.db.updateTable('jobs').set({ status: 'running', attempts: 2, locked_by: 'killed-worker', locked_until: clock.now() - 1 }).where('id', '=', id).execute();
    expect(await worker.drain()).toBe(1);
    expect(runs).toEqual([3]);
    expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 3 });
  });

  it('records the lease while a job runs', async () => {
    let seen: unknown;
    const worker = workerFor({ work: { run: async (_p, ctx) => void (seen = await jobRow(ctx.jobId)) } }, { leaseMs: 60_000, workerId: 'w-1' });
    await queue.enqueue({ name: 'work' });
    await worker.drain();
    expect(seen).toMatchObject({ status: 'running', locked_by: 'w-1', locked_until: clock.now() + 60_000, attempts: 1 });
  });

  it('stop() waits for the job in hand and then claims nothing more', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const worker = workerFor({
      slow: {
        run: async () => {
          started = true;
          await gate;
        },
      },
    }, { concurrency: 1 });
    const id = (await queue.enqueue({ name: 'slow' }))!;
    await worker.start();
    await vi.waitFor(() => expect(started).toBe(true), { timeout: 5000, interval: 5 });

    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await sleep(50);
    expect(stopped).toBe(false);
    expect(await jobRow(id)).toMatchObject({ status: 'running' });

    release();
    await stopping;
    expect(await jobRow(id)).toMatchObject({ status: 'done' });

    const later = (await queue.enqueue({ name: 'slow' }))!;
    await sleep(50);
    expect(await jobRow(later)).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('wakes a started worker on enqueue instead of waiting for its poll', async () => {
    const ran: string[] = [];
    const worker = workerFor({ quick: { run: async (_p, ctx) => void ran.push(ctx.jobId) } }, { pollMs: 60_000, concurrency: 1 });
    await worker.start();
    await sleep(20);
    const id = (await queue.enqueue({ name: 'quick' }))!;
    await vi.waitFor(() => expect(ran).toEqual([id]), { timeout: 2000, interval: 5 });
    await worker.stop();
  });
});

// Row locking (FOR UPDATE SKIP LOCKED) only matters where several processes share one database.
describe('job workers on postgres', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(() => t.destroy());

  it('runs each of 300 jobs exactly once across two workers on separate pools', async () => {
    const db2 = openSecondConnection(t.target);
    const queue2 = new JobQueue(db2, systemClock);
    const runs: { jobId: string; worker: string }[] = [];
    const handlerFor = (worker: string): Record<string, JobHandler> => ({
      work: {
        run: async (_payload, ctx) => {
          runs.push({ jobId: ctx.jobId, worker });
          await sleep(Math.random() * 4);
        },
      },
    });
    const one = new JobWorker(t.db, new JobQueue(t.db, systemClock), systemClock, handlerFor('one'), logger, { pollMs: 10, concurrency: 4, workerId: 'one' });
    const two = new JobWorker(db2, queue2, systemClock, handlerFor('two'), logger, { pollMs: 10, concurrency: 4, workerId: 'two' });

    const ids = await t.db.transaction().execute(async (trx) => {
      const out: string[] = [];
      for (let i = 0; i < 300; i++) out.push((await queue2.enqueue({ name: 'work', payload: { i } }, trx))!);
      return out;
    });
    await Promise.all([one.start(), two.start()]);
    await vi.waitFor(
      async () => {
        const open = await t.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '!=', 'done').executeTakeFirstOrThrow();
        expect(Number(open.n)).toBe(0);
      },
      { timeout: 15_000, interval: 20 },
    );
    await Promise.all([one.stop(), two.stop()]);
    await db2.destroy();

    expect(runs).toHaveLength(300);
    expect(new Set(runs.map((r) => r.jobId))).toEqual(new Set(ids));
    expect(runs.filter((r) => r.worker === 'one').length).toBeGreaterThan(0);
    expect(runs.filter((r) => r.worker === 'two').length).toBeGreaterThan(0);
    const rows = await t.db.selectFrom('jobs').select(['status', 'attempts']).execute();
    expect(rows).toHaveLength(300);
    expect(rows.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
  });
});
