import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';

/** One request as an ATS's endpoint saw it. */
export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The exact bytes of the body, as text. */
  body: string;
  json: any;
  webhookId: string;
  /** The platform's clock when the request came in: the receiver's "now" for the timestamp check. */
  clockAt: number;
  /** Order of arrival and of our answer on one counter shared by every receiver of the process. */
  arrivedSeq: number;
  answeredSeq?: number;
  answeredStatus?: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer this much later: a slow endpoint. */
  delayMs?: number;
  /** Answer only once this settles: the test decides when. */
  hold?: Promise<unknown>;
}

let counter = 0;

/** A real HTTP endpoint on 127.0.0.1 that records every request and answers as the test says. */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** How to answer the n-th request (0-based) this receiver got. */
  reply: (request: Received, index: number) => Reply = () => ({ status: 200, body: 'ok' });
  private server?: http.Server;

  private constructor(
    public port: number,
    private readonly clock: () => number,
  ) {}

  static async start(clock: () => number, port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(port, clock);
    await receiver.listen();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Comes back up on the same port after `down()`. */
  async listen(): Promise<void> {
    const server = http.createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (chunk: Buffer) => parts.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(parts).toString('utf8');
        let json: unknown = null;
        try {
          json = JSON.parse(body);
        } catch {
          // Kept as text; the test that cares asserts on it.
        }
        const request: Received = {
          path: req.url ?? '/',
          headers: req.headers,
          body,
          json,
          webhookId: String(req.headers['webhook-id'] ?? ''),
          clockAt: this.clock(),
          arrivedSeq: ++counter,
        };
        const index = this.received.push(request) - 1;
        const reply = this.reply(request, index);
        const answer = () => {
          request.answeredStatus = reply.status;
          request.answeredSeq = ++counter;
          res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
          res.end(reply.body ?? '');
        };
        if (reply.hold) void reply.hold.then(answer);
        else if (reply.delayMs) setTimeout(answer, reply.delayMs);
        else answer();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops open keep-alive connections: the endpoint is down (connection refused). */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Requests of one event name, in arrival order. */
  ofEvent(event: string): Received[] {
    return this.received.filter((r) => r.json?.event === event);
  }

  /** How many requests carried each webhook-id. */
  countsById(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.received) counts.set(r.webhookId, (counts.get(r.webhookId) ?? 0) + 1);
    return counts;
  }

  /** Short polling with a deadline, for dispatchers running on their own loop. */
  async waitFor(predicate: () => boolean, timeoutMs = 20_000, what = 'the receiver'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${this.received.length} requests so far)`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Hireflix's sample verifier, verbatim: HMAC-SHA256 of the re-serialised body, compared in constant time. */
export function hireflixVerifies(secret: string, request: Pick<Received, 'body' | 'headers'>): boolean {
  const header = request.headers['x-hireflix-signature'];
  if (typeof header !== 'string') return false;
  const expected = createHmac('sha256', secret).update(JSON.stringify(JSON.parse(request.body))).digest();
  try {
    return timingSafeEqual(Buffer.from(header, 'base64'), expected);
  } catch {
    // timingSafeEqual throws on a length mismatch: for the ATS that is a rejection too.
    return false;
  }
}

/**
 * The stock Standard Webhooks verifier. It checks the timestamp against Date.now(); the receiver's
 * clock is the platform's (the test moves a ManualClock), so "now" is the platform time at arrival.
 */
export function standardVerify(secret: string, request: Pick<Received, 'body' | 'headers' | 'clockAt'>): unknown {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
  const realNow = Date.now;
  Date.now = () => request.clockAt;
  try {
    return new Webhook(secret).verify(request.body, headers);
  } finally {
    Date.now = realNow;
  }
}

export function standardVerifies(secret: string, request: Pick<Received, 'body' | 'headers' | 'clockAt'>): boolean {
  try {
    standardVerify(secret, request);
    return true;
  } catch {
    return false;
  }
}

// Copied verbatim from the project's shared fixtures (Hireflix's documented examples, seed 002) so the suite is self-contained.
const fixtureDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'hireflix-fixtures');
const fixtureFiles: Record<string, string> = {
  'interview.create': 'create.json',
  'interview.finish': 'finish.json',
  'interview.status-change': 'status-change.json',
  'interview.delete': 'delete.json',
  'interview.score-updated': 'score-updated.json',
};

/** Hireflix's own documented payload of an event. */
export function hireflixFixture(event: string): any {
  const file = fixtureFiles[event];
  if (!file) throw new Error(`no fixture for ${event}`);
  return JSON.parse(readFileSync(path.join(fixtureDir, file), 'utf8'));
}

/** The interview object's keys in the contract's table (hireflix-compat.md, section 1): every event carries all of them. */
export const INTERVIEW_KEYS = ['id', 'position', 'externalId', 'status', 'hash', 'createdAt', 'candidate', 'score', 'completed', 'deleted', 'archived', 'finalist', 'answered', 'thumbnail', 'url'];

/** The keys the contract's table declares "or null", with the type of a value there. */
const documentedTypes: Record<string, string> = {
  'data.externalId': 'string',
  'data.candidate.phone': 'string',
  'data.score': 'object',
  'data.completed': 'number',
  'data.deleted': 'number',
  'data.archived': 'number',
  'data.finalist': 'number',
  'data.thumbnail': 'string',
};

const jsonType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * Every key of the fixture, recursively, is in ours with the same JSON type. Where the fixture has
 * null, ours is null or of the type the contract documents; where the contract says "or null", ours
 * may be null even if the fixture shows a value (a cancelled interview has no `completed`).
 * Returns the differences (empty when it conforms).
 */
export function fixtureMismatches(fixture: unknown, ours: unknown, at = ''): string[] {
  const expected = jsonType(fixture);
  const actual = jsonType(ours);
  const documented = documentedTypes[at];
  if (expected === 'null') {
    if (actual === 'null') return [];
    if (!documented) return [`${at}: the fixture has null and the contract names no type, ours is ${actual}`];
    return actual === documented ? [] : [`${at}: expected null or ${documented}, got ${actual}`];
  }
  if (actual === 'null' && documented) return [];
  if (expected !== actual) return [`${at}: expected ${expected}, got ${actual}`];
  if (expected !== 'object') return [];
  const mine = ours as Record<string, unknown>;
  return Object.entries(fixture as Record<string, unknown>).flatMap(([key, value]) => {
    const child = at ? `${at}.${key}` : key;
    return key in mine ? fixtureMismatches(value, mine[key], child) : [`${child}: missing`];
  });
}
