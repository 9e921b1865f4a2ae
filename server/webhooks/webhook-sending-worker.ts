// The webhook sending thread (see WebhookSendingThread): takes batches of [number, url, body, headers], POSTs each
// through a WebhookSender, and answers with the results of the POSTs that finished in the same turn of its event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { WebhookSender, type SendResult } from './webhook-sender.ts';
import type { SendRequest } from './webhook-sending-thread.ts';

const { allowPrivate, maxSockets } = workerData.data as { allowPrivate: boolean; maxSockets: number };
const sender = new WebhookSender(allowPrivate, maxSockets);
const port = parentPort!;

let results: [number, SendResult][] = [];
const answer = () => {
  const batch = results;
  results = [];
  port.postMessage(batch);
};

port.on('message', (batch: SendRequest[]) => {
  for (const [n, url, body, headers] of batch) {
    void sender.send(url, body, headers).then((result) => {
      if (results.push([n, result]) === 1) setImmediate(answer);
    });
  }
});
