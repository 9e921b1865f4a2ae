import type { Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { newId, newRandomHex } from '../shared/ids.ts';
import type { Logger } from '../shared/logger.ts';
import { parseRetryAfter } from '../shared/retry-after.ts';
import { DELIVERY_TIMEOUT_MS, nextAttemptDelay } from './delivery-schedule.ts';
import type { WebhookSender } from './webhook-sender.ts';
import { hireflixSignature, standardSignature } from './webhook-signature.ts';
import { PAUSED, WebhookRepository, type ClaimedDelivery, type ClaimedRun, type RecordedOutcome } from './webhook.repository.ts';

export interface DispatcherOptions {
  /** Deliveries in flight at once in this process. */
  concurrency: number;
  pollMs: number;
  workerId: string;
}

/** A delivery claimed this long ago by a process that died is taken over. */
const LEASE_MS = 60_000;

/**
 * Deliveries of one webhook and interview claimed together at most (see WebhookRepository.claim). A run goes on only
 * while its lease leaves room for one more attempt and this much to record it, so no follower is ever sent by two
 * processes at once.
 */
const RUN_LENGTH = 16;
const LEASE_MARGIN_MS = 5_000;

/**
 * A claimed run, when its leases end, and whether it has ended: an outcome of it could not be written (see
 * WebhookDispatcher.sending), or its webhook stopped (see WebhookDispatcher.halt).
 */
interface HeldRun {
  deliveries: ClaimedRun;
  leasedUntil: number;
  /** performance.now() when claimed (see stillOurs). */
  claimedAt: number;
  /** performance.now() when the claim was asked for: a halt after that may predate what the claim read (see halt). */
  askedAt: number;
  ended?: boolean;
}

/**
 * A run that waited this long for a slot reads its state again before its first send (see stillOurs). Reading it for
 * every run made bench:webhooks on PostgreSQL slower (5,000 events, 3 rounds, four runs each, alternated on the shared
 * machine: round medians 0.65-0.85 against 0.82-1.06 without the read, 0.71-0.98 with this threshold): the read waits
 * for one of the pool's connections before the POST. A pause in this process ends the runs it holds at once (halt); a
 * pause in another process still lets each run claimed less than this before the pause send its first event.
 */
const RECHECK_AFTER_MS = 1_000;

/** Outcomes written in one go at most; the rest wait for the next. */
const RECORD_BATCH = 256;

/**
 * Runs held at most (in flight and ready), in multiples of `concurrency`; a claim is made when half are free. A claim takes a round trip (on PostgreSQL several milliseconds, more under load) during which
 * the slots keep sending from what is ready: with fewer held they ran dry (bench:webhooks).
 */
const HELD_PER_SLOT = 4;

/**
 * A webhook's share of the slots: while runs of other webhooks wait, one webhook has at most 1/WEBHOOK_SHARE of them
 * (at least one) in flight, so a slow endpoint cannot hold up every other workspace's (see startReady).
 */
const WEBHOOK_SHARE = 4;

/**
 * How often the loop unblocks groups stranded behind nothing: on PostgreSQL a delivery queued while its predecessor's
 * outcome was being written can miss being unblocked by it (the two transactions overlap). Such an event goes out
 * this much later, never not at all.
 */
const STRANDED_SWEEP_MS = 5_000;

/** A webhook URL without what may be a credential (user info, query string, fragment): ATSs often put a token there. */
function urlForLog(url: string): string {
  try {
    const { protocol, host, pathname } = new URL(url);
    return `${protocol}//${host}${pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/**
 * Claims due deliveries in batches and sends them, keeping up to `concurrency` requests in flight: each slot sends a
 * run, the deliveries of one webhook and interview one after another.
 */
export class WebhookDispatcher {
  private running = false;
  /** stop() was called: runs end after the delivery being sent (drain() sends whole runs without start()). */
  private stopping = false;
  private loop?: Promise<void>;
  private inFlight = 0;
  private allSent?: Promise<void>;
  private resolveAllSent?: () => void;
  private wakeup?: () => void;
  private woken = false;
  /** Claimed (leased) and waiting for a free slot. */
  private ready: HeldRun[] = [];
  /** The loop holds as many leases as it may, and more may be due: a freed slot is worth a claim. */
  private waitingForRoom = false;
  /** Attempts waiting to be written. */
  private unrecorded: RecordedOutcome[] = [];
  /** Webhooks that answered 410 and are not yet disabled in the database: nothing more is sent to them meanwhile. */
  private readonly gone = new Set<string>();
  /** When each webhook was last halted (performance.now()): a run whose claim was asked for before then is ended too. */
  private readonly haltedAt = new Map<string, number>();
  /**
   * The runs being sent, by delivery. An outcome that could not be written (the delivery was deleted with its webhook,
   * or another process took it over) ends its run: what is left of it is not sent.
   */
  private readonly sending = new Map<string, HeldRun>();
  /** Runs in flight, by webhook. */
  private readonly inFlightByWebhook = new Map<string, number>();
  /** Runs of one webhook in flight at most while another webhook's wait (see WEBHOOK_SHARE). */
  private readonly webhookShare: number;
  /** Attempts made so far (drain's count). */
  private attemptsMade = 0;
  private recording?: Promise<void>;
  /**
   * Whose lease a claimed delivery carries. Unique per dispatcher even when two processes share a
   * worker id (containers often all run as pid 1), so one that outlived its lease cannot finish a
   * delivery another has taken over.
   */
  private readonly leaseOwner: string;
  /** Runs held at most, and the count at or below which a claim is made (see HELD_PER_SLOT). */
  private readonly maxHeld: number;
  private readonly claimBelow: number;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly sender: Pick<WebhookSender, 'send'>,
    private readonly options: DispatcherOptions,
  ) {
    this.leaseOwner = `${options.workerId}:${newRandomHex(4)}`;
    this.maxHeld = HELD_PER_SLOT * options.concurrency;
    // A claim's walk steps over the leases already held (they stay pending) before it finds new ones: claiming half the
    // hold at a time does that half as often (bench:webhooks; on PostgreSQL with the sending thread, 0.52 → 0.73 of
    // the bare loop, the claims' round trips being what was left on the dispatcher's path).
    this.claimBelow = Math.floor(this.maxHeld / 2);
    this.webhookShare = Math.max(1, Math.ceil(options.concurrency / WEBHOOK_SHARE));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wake();
    await this.loop;
    // A write under way may still claim (on SQLite); what it claims is released below.
    await this.outcomesWritten();
    // Claimed but not sent: due again at once, rather than when their leases run out.
    for (const run of this.ready.splice(0)) await this.release(run, run.deliveries);
    await this.sent();
    await this.outcomesWritten();
  }

  wake(): void {
    this.woken = true;
    this.wakeup?.();
  }

  /**
   * The webhook stopped (paused, deleted, or it answered 410): the runs of it this process holds send nothing more,
   * neither those waiting for a slot nor the rest of those being sent. A run held by another process finds out from the
   * database: before its first send (see deliver), or from its outcome, which is no longer written (the pause cancelled
   * the delivery and took its lease).
   */
  halt(webhookId: string): void {
    // A claim under way may already have read the webhook as active: its runs are ended when they arrive (isHalted).
    const now = performance.now();
    // A claim asked for a lease ago holds nothing any more (leaseHasRoom): older halts can go.
    for (const [id, at] of this.haltedAt) if (now - at > LEASE_MS) this.haltedAt.delete(id);
    this.haltedAt.set(webhookId, now);
    for (const run of [...this.ready, ...this.sending.values()]) if (run.deliveries[0]!.webhook_id === webhookId) run.ended = true;
  }

  /** The run ended, or its webhook was halted after its claim was asked for. */
  private isHalted(run: HeldRun): boolean {
    if (!run.ended && (this.haltedAt.get(run.deliveries[0]!.webhook_id) ?? -Infinity) >= run.askedAt) run.ended = true;
    return run.ended === true;
  }

  /** Sends everything due now and waits for the answers; for tests and scripts. Returns the attempts made. */
  async drain(): Promise<number> {
    const before = this.attemptsMade;
    await new WebhookRepository(this.db).unblockStranded(this.clock.now());
    for (;;) {
      const batch = await this.claim(this.options.concurrency);
      if (batch.length === 0 && this.inFlight === 0) return this.attemptsMade - before;
      for (const run of batch) this.deliver(run);
      await this.sent();
      await this.outcomesWritten();
    }
  }

  /**
   * Claims come in batches of runs and wait in `ready` for a free slot: a claim costs about the same whatever its
   * size, and one per finished delivery costs more than the delivery (bench:webhooks). This process holds at most
   * HELD_PER_SLOT × `concurrency` runs and claims again as soon as `concurrency` of them are done, so the next batch
   * is there before the slots run dry; a lone event is claimed at once.
   */
  private async run(): Promise<void> {
    const { maxHeld, claimBelow } = this;
    let sweptAt = 0;
    while (this.running) {
      this.woken = false;
      if (this.clock.now() - sweptAt >= STRANDED_SWEEP_MS) {
        sweptAt = this.clock.now();
        try {
          const unblocked = await new WebhookRepository(this.db).unblockStranded(this.clock.now());
          if (unblocked > 0) this.logger.info('webhook deliveries unblocked after their predecessor', { count: unblocked });
        } catch (error) {
          this.logger.error('webhook stranded-delivery sweep failed', { error: String(error) });
        }
      }
      let claimed = 0;
      let asked = 0;
      const held = this.inFlight + this.ready.length;
      this.waitingForRoom = held > claimBelow;
      if (held <= claimBelow) {
        asked = maxHeld - held;
        try {
          const batch = await this.claim(asked);
          for (const run of batch) this.ready.push(run);
          claimed = batch.length;
          this.waitingForRoom = claimed === asked;
          this.startReady();
        } catch (error) {
          this.logger.error('webhook claim failed', { error: String(error) });
        }
      }
      // A full batch: more may be due as soon as there is room. Fewer than asked: nothing else is due now; new
      // events and written outcomes wake the loop, retries come with the poll.
      if (claimed > 0 && claimed === asked && this.inFlight + this.ready.length <= claimBelow) continue;
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

  /**
   * Fills the free slots from the claimed runs, oldest first, but a webhook with its share of the slots in flight lets
   * the runs of others go before it; when every waiting run's webhook has its share, the oldest goes (a lone busy
   * webhook still uses every slot). Only the order between runs changes: one interview's runs are never held together.
   */
  private startReady(): void {
    while (this.running && this.inFlight < this.options.concurrency && this.ready.length > 0) {
      const next = this.ready.findIndex((run) => (this.inFlightByWebhook.get(run.deliveries[0]!.webhook_id) ?? 0) < this.webhookShare);
      this.deliver(this.ready.splice(Math.max(next, 0), 1)[0]!);
    }
  }

  private claim(limit: number, repo = new WebhookRepository(this.db)): Promise<HeldRun[]> {
    const now = this.clock.now();
    const askedAt = performance.now();
    return repo
      .claim(now, limit, this.leaseOwner, LEASE_MS, RUN_LENGTH)
      .then((runs) => runs.map((deliveries) => ({ deliveries, leasedUntil: now + LEASE_MS, claimedAt: performance.now(), askedAt })));
  }

  /**
   * Deliveries of a run this process will not send after all: due again at once (when nothing before them is open), if
   * the run's claim still holds them.
   */
  private async release(run: HeldRun, deliveries: ClaimedDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await new WebhookRepository(this.db)
      .releaseClaims(deliveries.map((d) => d.id), this.leaseOwner, run.leasedUntil)
      .catch((error) => this.logger.error('webhook claims not released', { error: String(error) }));
  }

  /**
   * Sends a claimed run in a slot of its own, one delivery after another while they succeed; the slot is free again
   * once the last answer is in. What a failure, a stop or a lease running short leaves unsent is released: it stays
   * behind the delivery before it, unblocked by that one's outcome when it is finished.
   */
  private async deliver(run: HeldRun): Promise<void> {
    this.inFlight++;
    const { deliveries } = run;
    const webhookId = deliveries[0]!.webhook_id;
    this.inFlightByWebhook.set(webhookId, (this.inFlightByWebhook.get(webhookId) ?? 0) + 1);
    for (const d of deliveries) this.sending.set(d.id, run);
    let sent = 0;
    try {
      // Each send, the first too (a run may have waited for a slot), needs the lease to outlast it, and the run must still
      // be this claim's with its webhook's state as it is now. After the first, attempt() decides, once, whether the next is
      // sent: its outcome tells the database the same (unblocksNext).
      let goesOn = !this.isHalted(run) && this.leaseHasRoom(run) && (await this.stillOurs(run));
      while (goesOn) {
        this.attemptsMade++;
        goesOn = await this.attempt(deliveries[sent++]!, sent < deliveries.length ? run : undefined);
      }
    } catch (error) {
      this.logger.error('webhook delivery crashed', { delivery: deliveries[sent - 1]?.id, error: String(error) });
    } finally {
      for (const d of deliveries) this.sending.delete(d.id);
      // Left leased when the webhook answered 410: disabling it cancels them, and released they could be claimed before.
      if (!this.gone.has(webhookId)) await this.release(run, deliveries.slice(sent));
      this.inFlight--;
      const left = this.inFlightByWebhook.get(webhookId)! - 1;
      if (left > 0) this.inFlightByWebhook.set(webhookId, left);
      else this.inFlightByWebhook.delete(webhookId);
      // The freed slot takes the next claimed run at once; the loop claims more when half are used up.
      this.startReady();
      if (this.waitingForRoom && this.inFlight + this.ready.length <= this.claimBelow) this.wakeup?.();
      if (this.inFlight === 0) this.resolveAllSent?.();
    }
  }

  /**
   * Whether a run that is about to be sent is not of a webhook that answered 410 and, once it has waited for a slot
   * RECHECK_AFTER_MS or more, is still this claim's (a pause in another process cancels it and takes its lease, a
   * deletion removes it); the webhook's active flag is then refreshed, since the claim's copy may predate a pause.
   */
  private async stillOurs(run: HeldRun): Promise<boolean> {
    const head = run.deliveries[0]!;
    if (this.gone.has(head.webhook_id)) return false;
    if (performance.now() - run.claimedAt < RECHECK_AFTER_MS) return !this.isHalted(run);
    const state = await new WebhookRepository(this.db).stillClaimed(head.id, this.leaseOwner, run.leasedUntil);
    if (!state) return false;
    for (const d of run.deliveries) d.active = state.active;
    return !this.isHalted(run);
  }

  /** Resolves once no delivery is in flight. */
  private sent(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return (this.allSent ??= new Promise<void>((resolve) => {
      this.resolveAllSent = () => {
        this.allSent = this.resolveAllSent = undefined;
        resolve();
      };
    }));
  }

  /**
   * One attempt of a claimed delivery; its outcome is queued for writing. With `run` (another delivery of the run comes
   * next), returns whether that one is sent next: this one succeeded, the run has not ended, the dispatcher is not
   * stopping, and the run's lease leaves room for the next attempt. Its outcome then does not unblock the next.
   */
  private async attempt(d: ClaimedDelivery, run?: HeldRun): Promise<boolean> {
    if (!d.active) {
      await new WebhookRepository(this.db).finishDelivery(d.id, this.leaseOwner, { status: 'cancelled', last_error: PAUSED });
      return false;
    }
    const startedAt = this.clock.now();
    const timestamp = Math.floor(startedAt / 1000);
    let signature = standardSignature(d.webhook_secret, d.event_id, timestamp, d.body);
    // During a rotation the receiver may still hold the old secret; Standard Webhooks carries both.
    if (d.webhook_secret_previous && (d.webhook_secret_previous_until ?? 0) > startedAt) {
      signature += ` ${standardSignature(d.webhook_secret_previous, d.event_id, timestamp, d.body)}`;
    }
    const result = await this.sender.send(d.url, d.body, {
      'x-hireflix-signature': hireflixSignature(d.webhook_secret, d.body),
      'webhook-id': d.event_id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    });
    const attempt = d.attempts + 1;
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const gone = result.statusCode === 410;
    const error = ok ? null : (result.error ?? `HTTP ${result.statusCode}`);
    const now = this.clock.now();
    const delay = ok || gone ? null : nextAttemptDelay(attempt, parseRetryAfter(result.retryAfter, now));
    if (gone) {
      this.gone.add(d.webhook_id);
      this.halt(d.webhook_id);
    }
    // The slot is free once the answer is in: the outcome is written with others shortly after, and until then the
    // delivery keeps its lease, so the interview's next event stays behind it. Only when writing falls behind does a
    // slot wait for the outcomes (before queueing its own and deciding whether its run goes on), which bounds what is
    // unwritten.
    while (this.recording && this.unrecorded.length >= HELD_PER_SLOT * this.options.concurrency) await this.recording;
    const goesOn = ok && run !== undefined && !run.ended && !this.stopping && this.leaseHasRoom(run);
    this.unrecorded.push([
      newId(),
      d.id,
      attempt,
      startedAt,
      result.durationMs,
      result.statusCode,
      result.error,
      result.responseExcerpt,
      ok ? 'succeeded' : delay === null ? 'failed' : 'pending',
      delay === null ? startedAt : now + delay,
      error,
      ok ? now : null,
      !goesOn,
    ]);
    this.recording ??= this.flush();
    if (!ok) this.logger.warn('webhook delivery failed', { delivery: d.id, url: urlForLog(d.url), attempt, status: result.statusCode, error });
    return goesOn;
  }

  /**
   * Writes the queued outcomes (never rejects: a failed write is logged, and the lease running out sends the event
   * again). Outcomes that come in the same turn of the event loop, or while a write is running, are written
   * together: a commit per delivery would bound throughput.
   */
  private async flush(): Promise<void> {
    try {
      // Let the answers that arrived in this turn of the event loop join the batch.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.unrecorded.length > 0) {
        const batch = this.unrecorded.length <= RECORD_BATCH ? this.unrecorded : this.unrecorded.slice(0, RECORD_BATCH);
        this.unrecorded = batch === this.unrecorded ? [] : this.unrecorded.slice(RECORD_BATCH);
        // Still in `gone` until written: meanwhile nothing more goes to them.
        const gone = [...this.gone];
        try {
          const claimed = await this.recordOutcomes(batch, gone);
          if (claimed) {
            for (const run of claimed.batch) this.ready.push(run);
            this.startReady();
            // Fewer than asked: nothing else is due now (new events wake the loop).
            if (claimed.batch.length < claimed.asked) continue;
          }
        } catch {
          // One outcome that cannot be written must not keep the others from being written.
          for (const o of batch) {
            await this.recordOutcomes([o], []).catch((error) => {
              this.logger.error('webhook delivery outcome not recorded', { delivery: o[1], error: String(error) });
              // It is sent again when its lease runs out, and nothing more of its run goes out before that. A follower already
              // on its way has gone: the receiver then gets this event a second time after it (at least once, not in order).
              this.endRunsOf([o[1]]);
            });
          }
          for (const webhookId of gone) {
            await this.recordOutcomes([], [webhookId]).catch((error) => this.logger.error('webhook not disabled after 410', { webhook: webhookId, error: String(error) }));
          }
        } finally {
          // A run claimed since the 410 read the webhook as active: it must not send either.
          for (const webhookId of gone) {
            this.halt(webhookId);
            this.gone.delete(webhookId);
          }
        }
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

  /**
   * Writes outcomes (and disables webhooks that answered 410). When there is room for more, the next claim shares the
   * transaction and its result is returned: on SQLite a commit costs more than the statements, and on PostgreSQL
   * the claim then follows the unblocking of the interviews' next events without a transaction of its own (a quarter
   * fewer round trips in bench:webhooks, and those events wait less).
   */
  private async recordOutcomes(batch: RecordedOutcome[], gone: string[]): Promise<{ batch: HeldRun[]; asked: number } | undefined> {
    const held = this.inFlight + this.ready.length;
    const asked = this.running && held <= this.claimBelow ? this.maxHeld - held : 0;
    if (gone.length === 0 && asked === 0) {
      this.endRunsOf(await new WebhookRepository(this.db).recordOutcomes(batch, this.leaseOwner));
      return undefined;
    }
    return this.db.transaction().execute(async (trx) => {
      const repo = new WebhookRepository(trx);
      this.endRunsOf(await repo.recordOutcomes(batch, this.leaseOwner));
      for (const webhookId of gone) await repo.disable(webhookId, 'The receiver answered 410 Gone', this.clock.now());
      return asked > 0 ? { batch: await this.claim(asked, repo), asked } : undefined;
    });
  }

  /** The run's lease outlasts one more attempt and the writing of its outcome. */
  private leaseHasRoom(run: HeldRun): boolean {
    return this.clock.now() + DELIVERY_TIMEOUT_MS + LEASE_MARGIN_MS < run.leasedUntil;
  }

  /** Ends the runs of deliveries whose outcome could not be written (see `sending`). */
  private endRunsOf(unwritten: string[]): void {
    for (const id of unwritten) {
      const run = this.sending.get(id);
      if (run) run.ended = true;
    }
  }
}
