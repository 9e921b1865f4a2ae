import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { DELIVERY_TIMEOUT_MS } from './delivery-schedule.ts';
import { guardedLookup, isPrivateAddress } from './webhook-url-guard.ts';

export interface SendResult {
  statusCode: number | null;
  durationMs: number;
  responseExcerpt: string | null;
  retryAfter: string | undefined;
  error: string | null;
}

const EXCERPT_BYTES = 1024;

/**
 * One POST of a signed body. Redirects are not followed (a 3xx is a failure), the whole exchange is
 * bounded by the delivery timeout, and the address is checked when the connection is made.
 */
export class WebhookSender {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(
    private readonly allowPrivate: boolean,
    maxSockets: number,
  ) {
    const lookup = guardedLookup(allowPrivate);
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets, lookup } as http.AgentOptions);
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets, lookup } as https.AgentOptions);
  }

  send(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const started = performance.now();
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: Omit<SendResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...result, durationMs: Math.round(performance.now() - started) });
      };
      let request: http.ClientRequest;
      try {
        const target = new URL(url);
        // Node connects to an IP literal without calling `lookup`, so the guard has to look at it here.
        const literal = target.hostname.replace(/^\[|\]$/g, '');
        if (!this.allowPrivate && net.isIP(literal) && isPrivateAddress(literal)) {
          return resolve({ statusCode: null, durationMs: 0, responseExcerpt: null, retryAfter: undefined, error: `refused: ${literal} is a private address` });
        }
        const transport = target.protocol === 'https:' ? https : http;
        request = transport.request(target, {
          method: 'POST',
          agent: target.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'oneway-interviews-webhooks/1', ...headers },
        });
      } catch (error) {
        return resolve({ statusCode: null, durationMs: 0, responseExcerpt: null, retryAfter: undefined, error: String((error as Error).message) });
      }
      const timer = setTimeout(() => {
        request.destroy(new Error(`no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`));
      }, DELIVERY_TIMEOUT_MS);
      request.on('response', (response) => {
        const parts: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < EXCERPT_BYTES) {
            parts.push(chunk.subarray(0, EXCERPT_BYTES - kept));
            kept += Math.min(chunk.length, EXCERPT_BYTES - kept);
          }
        });
        response.on('end', () =>
          finish({
            statusCode: response.statusCode ?? null,
            // PostgreSQL's text cannot hold NUL: a receiver's answer must not keep its outcome from being written.
            responseExcerpt: Buffer.concat(parts).toString('utf8').replaceAll('\u0000', '\uFFFD'),
            retryAfter: response.headers['retry-after'],
            error: null,
          }),
        );
        response.on('error', (error) => finish({ statusCode: response.statusCode ?? null, responseExcerpt: null, retryAfter: undefined, error: error.message }));
      });
      request.on('error', (error) => finish({ statusCode: null, responseExcerpt: null, retryAfter: undefined, error: error.message }));
      request.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
