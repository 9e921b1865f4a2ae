import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';

/** Past this, a refused body is cut off instead of read to the end. */
const DRAIN_LIMIT_BYTES = 32 * 1024 * 1024;

/**
 * The request body as a Node stream. When the consumer stops early (a 413), the rest is still read
 * and dropped, up to a bound, so the client finishes sending and receives our answer instead of a reset.
 */
export function requestBodyStream(body: ReadableStream<Uint8Array> | null): Readable {
  if (!body) return Readable.from([]);
  const reader = body.getReader();
  let drained = 0;
  const drain = async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        drained += value.byteLength;
        if (drained > DRAIN_LIMIT_BYTES) return void (await reader.cancel());
      }
    } catch {
      // The client went away; nothing left to drain.
    }
  };
  return new Readable({
    read() {
      reader.read().then(
        ({ done, value }) => this.push(done ? null : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
        (error) => this.destroy(error),
      );
    },
    destroy(error, callback) {
      void drain();
      callback(error);
    },
  });
}

/**
 * The same for Node's own request stream, without the round trip through web streams (bench:ingest:
 * about a fifth of the server's CPU per chunk). The consumer gets a pass-through, so stopping it early
 * does not destroy the request: the rest is drained, up to the same bound.
 */
export function nodeRequestBody(incoming: IncomingMessage): Readable {
  const body = new PassThrough();
  incoming.pipe(body);
  body.on('close', () => {
    if (incoming.readableEnded) return;
    incoming.unpipe(body);
    let drained = 0;
    incoming.on('data', (chunk: Buffer) => {
      drained += chunk.byteLength;
      if (drained > DRAIN_LIMIT_BYTES) incoming.destroy();
    });
    incoming.resume();
  });
  return body;
}
