import type { Worker } from 'node:worker_threads';
import type { Logger } from '../shared/logger.ts';
import { startTypeScriptWorker } from '../shared/typescript-worker.ts';
import type { SendResult } from './webhook-sender.ts';

/** One POST for the sending thread: its number (to match the answer), URL, body and headers. */
export type SendRequest = [n: number, url: string, body: string, headers: Record<string, string>];

/**
 * The dispatcher's webhook POSTs, made by a WebhookSender on a thread of their own (webhook-sending-worker.ts):
 * HTTP is most of a delivery's work, and on the server's thread a backlog of deliveries would slow every API request
 * and chunk upload while it drains; here the server's thread only claims, signs and records. The thread starts with
 * the first POST (a server without webhooks never pays its memory, about 35 MB), and again after it dies; POSTs it
 * had not answered then fail like a lost connection and are retried on the delivery schedule. Requests made in one
 * turn of the event loop go over in one message, and answers come back the same way.
 */
export class WebhookSendingThread {
  private worker?: Worker;
  private nextNumber = 0;
  private readonly waiting = new Map<number, (result: SendResult) => void>();
  private queued: SendRequest[] = [];

  constructor(
    private readonly allowPrivate: boolean,
    private readonly maxSockets: number,
    private readonly logger: Logger,
  ) {}

  send(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const n = this.nextNumber++;
    if (this.queued.push([n, url, body, headers]) === 1) queueMicrotask(() => this.post());
    return new Promise((resolve) => {
      if (this.waiting.size === 0) this.worker?.ref();
      this.waiting.set(n, resolve);
    });
  }

  close(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.failWaiting('the webhook sending thread was stopped');
  }

  private post(): void {
    const batch = this.queued;
    this.queued = [];
    if (batch.length > 0) this.thread().postMessage(batch);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = startTypeScriptWorker(new URL('./webhook-sending-worker.ts', import.meta.url), { allowPrivate: this.allowPrivate, maxSockets: this.maxSockets });
    worker.on('message', (results: [number, SendResult][]) => {
      for (const [n, result] of results) {
        const resolve = this.waiting.get(n);
        this.waiting.delete(n);
        resolve?.(result);
      }
      // Waiting on nothing, the thread must not keep the process alive.
      if (this.waiting.size === 0) worker.unref();
    });
    worker.on('error', (error) => this.logger.error('webhook sending thread failed', { error: error.stack ?? String(error) }));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failWaiting(`the webhook sending thread stopped (exit code ${code})`);
    });
    this.worker = worker;
    return worker;
  }

  private failWaiting(error: string): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const resolve of waiting) resolve({ statusCode: null, durationMs: 0, responseExcerpt: null, retryAfter: undefined, error });
  }
}
