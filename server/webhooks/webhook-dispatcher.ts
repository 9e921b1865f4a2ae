import type { Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import type { Logger } from '../shared/logger.ts';
import { nextAttemptDelay, parseRetryAfter } from './delivery-schedule.ts';
import type { WebhookSender } from './webhook-sender.ts';
import { hireflixSignature, standardSignature } from './webhook-signature.ts';
import { WebhookRepository } from './webhook.repository.ts';

export interface DispatcherOptions {
  /** Deliveries in flight at once in this process. */
  concurrency: number;
  pollMs: number;
  workerId: string;
}

/** A delivery claimed this long ago by a process that died is taken over. */
const LEASE_MS = 60_000;

type Claimed = Awaited<ReturnType<WebhookRepository['loadForSending']>>[number];

/** Claims due deliveries in batches and sends them, keeping up to `concurrency` requests in flight. */
export class WebhookDispatcher {
  private running = false;
  private loop?: Promise<void>;
  private inFlight = new Set<Promise<void>>();
  private wakeup?: () => void;
  private woken = false;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly sender: WebhookSender,
    private readonly options: DispatcherOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.all(this.inFlight);
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
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let claimed = 0;
      const room = this.options.concurrency - this.inFlight.size;
      if (room > 0) {
        try {
          const batch = await this.claim(room);
          for (const delivery of batch) this.track(this.deliver(delivery));
          claimed = batch.length;
        } catch (error) {
          this.logger.error('webhook claim failed', { error: String(error) });
        }
      }
      if (claimed > 0 && this.inFlight.size < this.options.concurrency) continue;
      if (this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wakeup = () => {
          clearTimeout(timer);
          resolve();
        };
        // A finished delivery frees a slot: claim again right away.
        if (this.inFlight.size >= this.options.concurrency) void Promise.race(this.inFlight).then(() => this.wakeup?.());
      });
      this.wakeup = undefined;
    }
  }

  private track(task: Promise<void>): void {
    const tracked: Promise<void> = task
      .catch((error) => this.logger.error('webhook delivery crashed', { error: String(error) }))
      .finally(() => {
        this.inFlight.delete(tracked);
        this.wakeup?.();
      });
    this.inFlight.add(tracked);
  }

  private async claim(limit: number): Promise<Claimed[]> {
    const now = this.clock.now();
    const claimed = await this.db.transaction().execute((trx) => new WebhookRepository(trx).claimDue(now, limit, this.options.workerId, LEASE_MS));
    return new WebhookRepository(this.db).loadForSending(claimed.map((c) => c.id));
  }

  private async deliver(d: Claimed): Promise<void> {
    const repo = new WebhookRepository(this.db);
    if (!d.active) {
      await repo.finishDelivery(d.id, this.options.workerId, { status: 'cancelled', last_error: 'webhook is inactive' });
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
    await this.db.transaction().execute(async (trx) => {
      const txRepo = new WebhookRepository(trx);
      await txRepo.recordAttempt({
        id: newId(),
        delivery_id: d.id,
        attempt,
        started_at: startedAt,
        duration_ms: result.durationMs,
        status_code: result.statusCode,
        error: result.error,
        response_excerpt: result.responseExcerpt,
      });
      await txRepo.finishDelivery(d.id, this.options.workerId, {
        status: ok ? 'succeeded' : delay === null ? 'failed' : 'pending',
        attempts: attempt,
        next_attempt_at: delay === null ? startedAt : this.clock.now() + delay,
        last_status_code: result.statusCode,
        last_error: error,
        delivered_at: ok ? this.clock.now() : null,
      });
      if (gone) await txRepo.disable(d.webhook_id, 'The receiver answered 410 Gone', this.clock.now());
    });
    if (!ok) this.logger.warn('webhook delivery failed', { delivery: d.id, url: d.url, attempt, status: result.statusCode, error });
  }
}
