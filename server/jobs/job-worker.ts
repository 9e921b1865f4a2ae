import { hostname } from 'node:os';
import type { Db } from '../db/database.ts';
import { isPostgres } from '../db/database.ts';
import type { JobsTable } from '../db/schema.ts';
import type { Clock } from '../shared/clock.ts';
import { newRandomHex } from '../shared/ids.ts';
import type { Logger } from '../shared/logger.ts';
import type { JobQueue } from './job-queue.ts';

export interface JobContext {
  jobId: string;
  attempt: number;
  /** attempt === maxAttempts: this is the last try, so a handler can record a final failure. */
  maxAttempts: number;
}

export interface JobHandler {
  run(payload: any, ctx: JobContext): Promise<void>;
  /** Delay before the next try after `attempt` failed tries. */
  backoffMs?(attempt: number): number;
  /** Re-enqueues itself this long after each run (sweeps). */
  everyMs?: number;
  /**
   * The queue gives up on the job without running it: the worker that ran its last attempt stopped mid-run (its lease
   * ran out). Records the failure where `run` records one on its last try.
   */
  givenUp?(payload: any, ctx: JobContext, error: string): Promise<void>;
}

/** Thrown by a handler that knows when to be tried again (Retry-After). */
export class RetryJobLater extends Error {
  constructor(
    readonly delayMs: number,
    message = 'retry requested',
  ) {
    super(message);
  }
}

/** Thrown by a handler when trying again cannot help. */
export class PermanentJobError extends Error {}

export const defaultBackoffMs = (attempt: number): number => {
  const base = Math.min(1000 * 2 ** (attempt - 1), 3600_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
};

export interface JobWorkerOptions {
  pollMs?: number;
  concurrency?: number;
  leaseMs?: number;
  workerId?: string;
}

/** Claims due jobs (SKIP LOCKED on PostgreSQL), runs their handlers and records the outcome. */
export class JobWorker {
  readonly id: string;
  private running = false;
  private loops: Promise<void>[] = [];
  private wakeups = new Set<() => void>();
  private wakePending = false;
  private unsubscribe?: () => void;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;

  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
    private readonly handlers: Record<string, JobHandler>,
    private readonly logger: Logger,
    options: JobWorkerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 500;
    this.concurrency = options.concurrency ?? 2;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.id = options.workerId ?? `${hostname()}:${process.pid}:${newRandomHex(3)}`;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    for (const [name, handler] of Object.entries(this.handlers)) {
      if (handler.everyMs) await this.queue.enqueue({ name, uniqueKey: `recurring:${name}` });
    }
    this.unsubscribe = this.queue.onEnqueue(() => this.wake());
    for (let i = 0; i < this.concurrency; i++) this.loops.push(this.loop());
  }

  /** Finishes the jobs in hand, then stops claiming. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wake();
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** Runs due jobs until none is left; for tests and scripts that want the queue drained now. */
  async drain(maxJobs = 10_000): Promise<number> {
    let count = 0;
    while (count < maxJobs && (await this.runNext())) count++;
    return count;
  }

  private wake(): void {
    this.wakePending = true;
    for (const resolve of this.wakeups) resolve();
    this.wakeups.clear();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let worked = false;
      this.wakePending = false;
      try {
        worked = await this.runNext();
      } catch (error) {
        this.logger.error('job loop error', { error: String(error) });
      }
      // An enqueue that landed while we were claiming would otherwise wait a whole poll.
      if (!worked && this.running && !this.wakePending) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.pollMs);
          this.wakeups.add(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }
  }

  /** Claims and runs one job; false when nothing was due. */
  async runNext(): Promise<boolean> {
    const job = await this.claim();
    if (!job) return false;
    const handler = this.handlers[job.name];
    const attempt = job.attempts;
    // Taken over after its last attempt: the worker running that one died, maybe killed by this very job, so it is not
    // run again (nor ever beyond maxAttempts).
    if (attempt > job.max_attempts) {
      await this.giveUp(job, handler);
      return true;
    }
    const started = Date.now();
    // A long job (ffmpeg on a long answer) keeps its lease so no other worker takes it over.
    const heartbeat = setInterval(() => void this.renewLease(job.id).catch(() => undefined), Math.max(1000, this.leaseMs / 3));
    let failure: unknown;
    try {
      if (!handler) throw new PermanentJobError(`no handler for job ${job.name}`);
      await handler.run(JSON.parse(job.payload), { jobId: job.id, attempt, maxAttempts: job.max_attempts });
    } catch (error) {
      failure = error ?? new Error('job failed');
    } finally {
      clearInterval(heartbeat);
    }
    // Recording the outcome stays outside the handler's try: a database error here must not run the job again.
    if (failure === undefined) {
      await this.finish(job, { status: 'done', last_error: null });
      this.logger.debug('job done', { job: job.name, id: job.id, ms: Date.now() - started });
    } else {
      const message = failure instanceof Error ? failure.message : String(failure);
      if (failure instanceof PermanentJobError || attempt >= job.max_attempts) {
        await this.finish(job, { status: 'failed', last_error: message });
        this.logger.error('job failed for good', { job: job.name, id: job.id, attempt, error: message });
      } else {
        const delay = failure instanceof RetryJobLater ? failure.delayMs : (handler?.backoffMs ?? defaultBackoffMs)(attempt);
        await this.finish(job, { status: 'queued', run_at: this.clock.now() + delay, last_error: message });
        this.logger.warn('job failed, will retry', { job: job.name, id: job.id, attempt, inMs: delay, error: message });
        return true;
      }
    }
    await this.scheduleNextRun(job, handler);
    return true;
  }

  /** A recurring job's next run, after this one ended (done or failed for good). */
  private async scheduleNextRun(job: JobsTable, handler: JobHandler | undefined): Promise<void> {
    if (handler?.everyMs) await this.queue.enqueue({ name: job.name, uniqueKey: `recurring:${job.name}`, runAt: this.clock.now() + handler.everyMs });
  }

  private async giveUp(job: JobsTable, handler: JobHandler | undefined): Promise<void> {
    const message = `the worker running attempt ${job.max_attempts} of ${job.max_attempts} stopped before it finished (its lease ran out); not run again`;
    // While the job still holds its lease, so nothing sees it over before its handler has recorded the failure.
    await handler
      ?.givenUp?.(JSON.parse(job.payload), { jobId: job.id, attempt: job.max_attempts, maxAttempts: job.max_attempts }, message)
      .catch((error) => this.logger.error('job failure not recorded by its handler', { job: job.name, id: job.id, error: String(error) }));
    await this.finish(job, { status: 'failed', attempts: job.max_attempts, last_error: message });
    this.logger.error('job failed for good', { job: job.name, id: job.id, attempt: job.max_attempts, error: message });
    await this.scheduleNextRun(job, handler);
  }

  private async renewLease(jobId: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ locked_until: this.clock.now() + this.leaseMs })
      .where('id', '=', jobId)
      .where('locked_by', '=', this.id)
      .where('status', '=', 'running')
      .execute();
  }

  private async claim(): Promise<JobsTable | undefined> {
    const now = this.clock.now();
    const names = Object.keys(this.handlers);
    if (names.length === 0) return undefined;
    const pg = isPostgres(this.db);
    const row = await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        locked_by: this.id,
        locked_until: now + this.leaseMs,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', '=', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('name', 'in', names)
          .where((w) =>
            w.or([
              w.and([w('status', '=', 'queued'), w('run_at', '<=', now)]),
              // A worker that died mid-job loses its lease; the job is taken over.
              w.and([w('status', '=', 'running'), w('locked_until', '<', now)]),
            ]),
          )
          .orderBy('run_at')
          .limit(1)
          .$if(pg, (q) => q.forUpdate().skipLocked()),
      )
      .returningAll()
      .executeTakeFirst();
    return row as JobsTable | undefined;
  }

  private async finish(job: JobsTable, changes: Partial<Pick<JobsTable, 'status' | 'run_at' | 'last_error' | 'attempts'>>): Promise<void> {
    const done = changes.status === 'done' || changes.status === 'failed';
    await this.db
      .updateTable('jobs')
      .set({
        ...changes,
        locked_by: null,
        locked_until: null,
        finished_at: done ? this.clock.now() : null,
      })
      .where('id', '=', job.id)
      .where('locked_by', '=', this.id)
      .execute();
  }
}
