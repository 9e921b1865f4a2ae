import type { Db, DbExecutor } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';

export interface JobSpec {
  name: string;
  payload?: unknown;
  /** Epoch ms; defaults to now. */
  runAt?: number;
  /** At most one queued or running job per key (recurring sweeps, one finalisation per answer). */
  uniqueKey?: string;
  maxAttempts?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 10;

/** Writes durable jobs; pass a transaction so a job exists exactly when the change that needs it does. */
export class JobQueue {
  private listeners = new Set<() => void>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async enqueue(spec: JobSpec, executor: DbExecutor = this.db): Promise<string | null> {
    const id = newId();
    const now = this.clock.now();
    const result = await executor
      .insertInto('jobs')
      .values({
        id,
        name: spec.name,
        payload: JSON.stringify(spec.payload ?? {}),
        status: 'queued',
        unique_key: spec.uniqueKey ?? null,
        attempts: 0,
        max_attempts: spec.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        run_at: spec.runAt ?? now,
        locked_by: null,
        locked_until: null,
        last_error: null,
        created_at: now,
        finished_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    const inserted = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    for (const listener of this.listeners) listener();
    return inserted ? id : null;
  }

  /** Lets an in-process worker wake up instead of waiting for its next poll. */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
