import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/shared/logger.ts';
import { WebhookSendingThread } from '../../server/webhooks/webhook-sending-thread.ts';
import { WebhookReceiver } from './webhook-receiver.ts';

// The dispatcher's POSTs go through WebhookSendingThread, a WebhookSender on a worker thread. The API suites
// deliver every event through it; these are the thread's own cases.

const threadOf = (sending: WebhookSendingThread) => (sending as unknown as { worker?: Worker }).worker;

describe('WebhookSendingThread', () => {
  let receiver: WebhookReceiver;
  const logger = createLogger('error');
  const lenient = new WebhookSendingThread(true, 4, logger);
  const strict = new WebhookSendingThread(false, 4, logger);

  beforeAll(async () => {
    receiver = await WebhookReceiver.start(() => Date.now());
  });
  afterAll(async () => {
    lenient.close();
    strict.close();
    await receiver.down();
  });

  it('POSTs the exact body and headers from its own thread and answers each request with its own result', async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => `{"event":"interview.create","n":${i}}`);
    // Made in one turn of the event loop: they cross to the thread in one message.
    const results = await Promise.all(bodies.map((body, i) => lenient.send(`${receiver.url}/hook/${i}`, body, { 'webhook-id': `msg_${i}` })));
    expect(threadOf(lenient)?.threadId).toBeGreaterThan(0);
    for (const result of results) expect(result).toMatchObject({ statusCode: 200, responseExcerpt: 'ok', error: null });
    for (let i = 0; i < bodies.length; i++) {
      const got = receiver.received.find((r) => r.path === `/hook/${i}`)!;
      expect(got.body).toBe(bodies[i]);
      expect(got.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': `msg_${i}` });
    }
  });

  it('keeps the SSRF guard on the thread', async () => {
    const before = receiver.received.length;
    const result = await strict.send(`http://localhost:${receiver.port}/hook`, '{}', {});
    expect(result).toMatchObject({ statusCode: null, error: expect.stringMatching(/refused/) });
    expect(receiver.received.length).toBe(before);
  });

  it('fails the POSTs a dying thread had not answered, and starts a new thread for the next', async () => {
    let release!: () => void;
    receiver.reply = () => ({ status: 200, hold: new Promise<void>((resolve) => (release = resolve)) });
    const sending = lenient.send(`${receiver.url}/held`, '{}', {});
    const deadline = performance.now() + 5000;
    while (receiver.received.at(-1)?.path !== '/held' && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const first = threadOf(lenient)!;
    await first.terminate();
    expect(await sending).toMatchObject({ statusCode: null, error: expect.stringMatching(/sending thread stopped/) });
    release();
    receiver.reply = () => ({ status: 200, body: 'ok' });

    const again = await lenient.send(`${receiver.url}/after`, '{}', {});
    expect(again).toMatchObject({ statusCode: 200, error: null });
    expect(threadOf(lenient)).not.toBe(first);
  });
});
