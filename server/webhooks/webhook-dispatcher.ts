import type { Db } from '../db/database.ts';
import type { WebhookAttemptsTable } from '../db/schema.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import type { Logger } from '../shared/logger.ts';
import { nextAttemptDelay, parseRetryAfter } from './delivery-schedule.ts';
import type { WebhookSender } from './webhook-sender.ts';
import { hireflixSignature, standardSignature } from './webhook-signature.ts';
import { WebhookRepository, type DeliveryOutcome } from './webhook.repository.ts';

export interface DispatcherOptions {
  /** Deliveries in flight at once in this process. */
  concurrency: number;
  pollMs: number;
  workerId: string;
}

/** A delivery claimed this long ago by a process that died is taken over. */
const LEASE_MS = 60_000;
/** The run loop looks for such expired leases at most this often (it claims up to many times a second). */
const EXPIRED_LEASE_CHECK_MS = 1_000;

/** Outcomes written in one transaction at most; the rest wait for the next. */
const RECORD_BATCH = 256;

type Claimed = Awaited<ReturnType<WebhookRepository['loadForSending']>>[number];

/** What one attempt came to, waiting to be written with the others that finished at the same time. */
interface Outcome {
  delivery: Claimed;
  attempt: WebhookAttemptsTable;
  changes: DeliveryOutcome;
  gone: boolean;
  recorded: () => void;
}

/** Claims due deliveries in batches and sends them, keeping up to `concurrency` requests in flight. */
export class WebhookDispatcher {
  private running = false;
  private loop?: Promise<void>;
  private inFlight = new Set<Promise<void>>();
  private wakeup?: () => void;
  private woken = false;
  /** Claimed (leased) and waiting for a free slot. */
  private ready: Claimed[] = [];
  private expiredLeasesCheckedAt = -Infinity;
  /** The loop holds as many leases as it may, and more may be due: a freed slot is worth a claim. */
  private waitingForRoom = false;
  private unrecorded: Outcome[] = [];
  private recording?: Promise<void>;
  /**
   * Whose lease a claimed delivery carries. Unique per dispatcher even when two processes share a
   * worker id (containers often all run as pid 1), so one that outlived its lease cannot finish a
   * delivery another has taken over.
   */
  private readonly leaseOwner: string;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly sender: WebhookSender,
    private readonly options: DispatcherOptions,
  ) {
    this.leaseOwner = `${options.workerId}:${newId().slice(0, 8)}`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    // Claimed but not sent: back to pending, rather than waiting for their leases to run out.
    const unsent = this.ready.splice(0);
    if (unsent.length > 0) {
      await new WebhookRepository(this.db)
        .releaseClaims(unsent.map((d) => d.id), this.leaseOwner)
        .catch((error) => this.logger.error('webhook claims not released', { error: String(error) }));
    }
    await Promise.all(this.inFlight);
    await this.outcomesWritten();
  }

  wake(): void {
    this.woken = true;
    this.wakeup?.();
  }

  /** Sends everything due now and waits for the answers; for tests and scripts. */
  async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await this.claim(this.options.concurrency);
      if (batch.length === 0 && this.inFlight.size === 0) return sent;
      for (const delivery of batch) this.track(this.deliver(delivery));
      sent += batch.length;
      await Promise.all(this.inFlight);
      await this.outcomesWritten();
    }
  }

  /**
   * Claims come in batches and wait in `ready` for a free slot: a claim is a transaction whatever its size, and
   * one per finished delivery costs more than the delivery (bench:webhooks). This process holds at most twice
   * `concurrency` leases (in flight and ready) and claims again once half of them are used up; a lone event is
   * claimed at once.
   */
  private async run(): Promise<void> {
    const limit = this.options.concurrency;
    while (this.running) {
      this.woken = false;
      let claimed = 0;
      let asked = 0;
      const held = this.inFlight.size + this.ready.length;
      this.waitingForRoom = held > limit;
      if (held <= limit) {
        asked = 2 * limit - held;
        try {
          const now = this.clock.now();
          const expiredLeases = now - this.expiredLeasesCheckedAt >= EXPIRED_LEASE_CHECK_MS;
          if (expiredLeases) this.expiredLeasesCheckedAt = now;
          const batch = await this.claim(asked, expiredLeases);
          this.ready.push(...batch);
          claimed = batch.length;
          this.waitingForRoom = claimed === asked;
          this.startReady();
        } catch (error) {
          this.logger.error('webhook claim failed', { error: String(error) });
        }
      }
      // A full batch: more may be due as soon as there is room. Fewer than asked: nothing else is due now; new
      // events and written outcomes wake the loop, retries come with the poll.
      if (claimed > 0 && claimed === asked && this.inFlight.size + this.ready.length <= limit) continue;
      if (this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wakeup = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeup = undefined;
    }
  }

  private startReady(): void {
    while (this.running && this.inFlight.size < this.options.concurrency && this.ready.length > 0) this.track(this.deliver(this.ready.shift()!));
  }

  private track(task: Promise<void>): void {
    const tracked: Promise<void> = task
      .catch((error) => this.logger.error('webhook delivery crashed', { error: String(error) }))
      .finally(() => {
        this.inFlight.delete(tracked);
        // The freed slot takes the next claimed delivery at once; the loop claims more when half are used up.
        this.startReady();
        if (this.waitingForRoom && this.inFlight.size + this.ready.length <= this.options.concurrency) this.wakeup?.();
      });
    this.inFlight.add(tracked);
  }

  private async claim(limit: number, expiredLeases = true): Promise<Claimed[]> {
    const now = this.clock.now();
    const claimed = await this.db.transaction().execute((trx) => new WebhookRepository(trx).claimDue(now, limit, this.leaseOwner, LEASE_MS, { expiredLeases }));
    return new WebhookRepository(this.db).loadForSending(claimed.map((c) => c.id));
  }

  private async deliver(d: Claimed): Promise<void> {
    const repo = new WebhookRepository(this.db);
    if (!d.active) {
      await repo.finishDelivery(d.id, this.leaseOwner, { status: 'cancelled', last_error: 'webhook is inactive' });
      return;
    }
    const startedAt = this.clock.now();
    const timestamp = Math.floor(startedAt / 1000);
    const signatures = [standardSignature(d.webhook_secret, d.event_id, timestamp, d.body)];
    // During a rotation the receiver may still hold the old secret; Standard Webhooks carries both.
    if (d.webhook_secret_previous && (d.webhook_secret_previous_until ?? 0) > startedAt) {
      signatures.push(standardSignature(d.webhook_secret_previous, d.event_id, timestamp, d.body));
    }
    const result = await this.sender.send(d.url, d.body, {
      'x-hireflix-signature': hireflixSignature(d.webhook_secret, d.body),
      'webhook-id': d.event_id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatures.join(' '),
    });
    const attempt = d.attempts + 1;
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const gone = result.statusCode === 410;
    const error = ok ? null : (result.error ?? `HTTP ${result.statusCode}`);
    const delay = ok || gone ? null : nextAttemptDelay(attempt, parseRetryAfter(result.retryAfter, this.clock.now()));
    const written = this.record(d, {
      attempt: {
        id: newId(),
        delivery_id: d.id,
        attempt,
        started_at: startedAt,
        duration_ms: result.durationMs,
        status_code: result.statusCode,
        error: result.error,
        response_excerpt: result.responseExcerpt,
      },
      changes: {
        status: ok ? 'succeeded' : delay === null ? 'failed' : 'pending',
        attempts: attempt,
        next_attempt_at: delay === null ? startedAt : this.clock.now() + delay,
        last_status_code: result.statusCode,
        last_error: error,
        delivered_at: ok ? this.clock.now() : null,
      },
      gone,
    });
    // The slot is free once the answer is in: the outcome is written with others shortly after, and until then the
    // delivery keeps its lease, so the interview's next event stays behind it. Only when writing falls behind
    // does a slot wait for its own outcome, which bounds what is unwritten.
    if (this.unrecorded.length > this.options.concurrency) await written;
    if (!ok) this.logger.warn('webhook delivery failed', { delivery: d.id, url: d.url, attempt, status: result.statusCode, error });
  }

  /**
   * Queues the attempt and the delivery's new state to be written; resolves once committed (never rejects: a
   * failed write is logged, and the lease running out sends the event again). Outcomes that come in the same
   * turn of the event loop, or while a write is running, share one transaction: a commit per delivery would
   * bound throughput.
   */
  private record(delivery: Claimed, outcome: Pick<Outcome, 'attempt' | 'changes' | 'gone'>): Promise<void> {
    return new Promise((recorded) => {
      this.unrecorded.push({ delivery, ...outcome, recorded });
      this.recording ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    try {
      // Let the answers that arrived in this turn of the event loop join the batch.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.unrecorded.length > 0) {
        const batch = this.unrecorded.splice(0, RECORD_BATCH);
        try {
          await this.recordOutcomes(batch);
        } catch {
          // One outcome that cannot be written must not keep the others from being written.
          for (const o of batch) {
            await this.recordOutcomes([o]).catch((error) =>
              this.logger.error('webhook delivery outcome not recorded', { delivery: o.delivery.id, error: String(error) }),
            );
          }
        }
        for (const o of batch) o.recorded();
        // The next events of these interviews can go now.
        this.wake();
      }
    } finally {
      this.recording = undefined;
    }
  }

  private async outcomesWritten(): Promise<void> {
    while (this.recording) await this.recording;
  }

  private recordOutcomes(batch: Outcome[]): Promise<void> {
    return this.db.transaction().execute(async (trx) => {
      const txRepo = new WebhookRepository(trx);
      await txRepo.recordAttempts(batch.map((o) => o.attempt));
      await txRepo.finishDeliveries(this.leaseOwner, batch.map((o) => ({ id: o.delivery.id, changes: o.changes })));
      for (const o of batch) if (o.gone) await txRepo.disable(o.delivery.webhook_id, 'The receiver answered 410 Gone', this.clock.now());
    });
  }
}
