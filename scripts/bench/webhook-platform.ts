// The platform side of scripts/bench-webhooks.ts, in its own node process so that the receiver (in the parent)
// and the sender never share an event loop. Configured from the environment like the server (DATABASE_URL or
// SQLITE_PATH, WEBHOOK_CONCURRENCY, WEBHOOK_POLL_MS, WEBHOOK_ALLOW_PRIVATE_URLS=true), driven over the IPC
// channel by the parent:
//   setup  {interviews, receiverUrl}        → workspace, position, N interviews (invited through the service,
//                                            before the webhook exists), then the webhook → {ready}
//   emit   {events, rate, emitters}         → `events` changes, each its own transaction calling
//                                            WebhookEvents.emit on one of the interviews, with the dispatcher
//                                            running; as fast as possible (rate 0) or at `rate`/s → {emitted}
//   events {}                               → every event of the last emit: webhook-id, interview, change time
//   bare   {concurrency}                    → the same bodies and headers through a WebhookSender of the same
//                                            settings, `concurrency` workers, dispatcher idle → {bareDone}
//   pause {} / resume {}                    → stops the dispatcher (waiting for what is in flight) / starts it
//                                            again; resume answers with the wall time it started
//   profile {}                              → time spent per phase of the dispatcher since the last profile
//   cpuProfile {on, name}                   → starts / stops a V8 CPU profile written to $BENCH_CPU_PROFILE_DIR/name
//   stop   {}
// The phase profile wraps methods of the dispatcher, the repository and the sender at run time (no server
// change): claim (the claim statement, and on SQLite the load query after it), send, and record (the statements
// that write the attempts and the outcomes).
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import { createPlatform } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { createDatabase, isPostgres } from '../../server/db/database.ts';
import { migrateToLatest } from '../../server/db/migrate.ts';
import { WEBHOOK_EVENTS, type WebhookEventName } from '../../server/db/schema.ts';
import { CandidateInput } from '../../server/interviews/interview.schemas.ts';
import { PositionInput } from '../../server/positions/position.schemas.ts';
import { createLogger } from '../../server/shared/logger.ts';
import { WebhookDispatcher } from '../../server/webhooks/webhook-dispatcher.ts';
import { WebhookSender } from '../../server/webhooks/webhook-sender.ts';
import { WebhookSendingThread } from '../../server/webhooks/webhook-sending-thread.ts';
import { hireflixSignature, standardSignature } from '../../server/webhooks/webhook-signature.ts';
import { PG_DISPATCH_PLAN, WebhookRepository } from '../../server/webhooks/webhook.repository.ts';

type Message =
  | { type: 'setup'; interviews: number; receiverUrl: string }
  | { type: 'emit'; events: number; rate: number; emitters: number }
  | { type: 'events' }
  | { type: 'bare'; concurrency: number }
  | { type: 'profile' }
  | { type: 'cpuProfile'; on: boolean; name?: string }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

const send = (message: unknown) => process.send!(message);

// ------------------------------------------------------------------------------------------ phase profile

interface Phase {
  calls: number;
  totalMs: number;
  maxMs: number;
  rows: number;
}
const phases = new Map<string, Phase>();
const record = (name: string, ms: number, rows = 0) => {
  const p = phases.get(name) ?? { calls: 0, totalMs: 0, maxMs: 0, rows: 0 };
  p.calls++;
  p.totalMs += ms;
  p.maxMs = Math.max(p.maxMs, ms);
  p.rows += rows;
  phases.set(name, p);
};

/** Times every call of `proto[method]` (if it exists) under `name`; `rows` counts what it returned. */
function profile(proto: any, method: string, name: string, rows?: (result: any, args: any[]) => number): void {
  const original = proto[method];
  if (typeof original !== 'function') return;
  proto[method] = function (this: unknown, ...args: any[]) {
    const started = performance.now();
    const result = original.apply(this, args);
    if (!(result instanceof Promise) && !(result && typeof result.then === 'function')) return result;
    return Promise.resolve(result).then(
      (value) => {
        record(name, performance.now() - started, rows ? rows(value, args) : 0);
        return value;
      },
      (error) => {
        record(`${name} (failed)`, performance.now() - started);
        throw error;
      },
    );
  };
}

// Dispatcher steps (private in TypeScript, plain methods at run time). Whatever is renamed is simply not timed.
profile(WebhookRepository.prototype, 'claim', 'claim (claim + load queries)', (r) => (Array.isArray(r) ? r.flat().length : 0));
profile(WebhookSendingThread.prototype, 'send', 'send (HTTP POST + answer, on the sending thread)');
profile(WebhookDispatcher.prototype, 'attempt', 'attempt: sign + send + queue outcome');
profile(WebhookDispatcher.prototype, 'recordOutcomes', 'record (batched; + disable on 410)', (_r, args) => (Array.isArray(args[0]) ? args[0].length : 0));
profile(WebhookRepository.prototype, 'recordOutcomes', 'record: attempts + deliveries queries', (_r, args) => (Array.isArray(args[0]) ? args[0].length : 0));
profile(WebhookRepository.prototype, 'finishDelivery', 'record: one delivery (inactive webhook)');

// ------------------------------------------------------------------------------------------------- main

const config = loadConfig();
const db = createDatabase(config.database);
const logger = createLogger(config.logLevel);
let platform: ReturnType<typeof createPlatform>;
let workspaceId = '';
let interviewIds: string[] = [];
let lastEmit = { fromSeq: 0, toSeq: 0 };

async function setup(m: Extract<Message, { type: 'setup' }>) {
  await migrateToLatest(db);
  if (process.env.BENCH_EXPLAIN && isPostgres(db)) explainClaims();
  platform = createPlatform({ config, db, logger, workerId: 'bench' });
  const { services } = platform;
  const created = await services.workspaces.createWithOwner({
    workspaceName: 'Webhook bench',
    ownerEmail: 'bench@example.com',
    ownerName: 'Bench Owner',
    ownerPassword: 'correct horse battery staple',
  });
  workspaceId = created.workspaceId;
  const position = await services.positions.create(
    workspaceId,
    PositionInput.parse({
      name: 'Account Executive',
      introMessage: 'Two short questions.',
      questions: [
        { title: 'Tell us about yourself', thinkTimeSeconds: 10, maxAnswerSeconds: 60, retakes: 1 },
        { title: 'Why this role?', description: 'Be specific.', thinkTimeSeconds: 0, maxAnswerSeconds: 30, retakes: 0 },
      ],
    }),
  );
  interviewIds = [];
  for (let i = 0; i < m.interviews; i++) {
    const interview = await services.interviews.invite(
      workspaceId,
      position.id,
      CandidateInput.parse({ email: `candidate${i}@example.com`, firstName: 'Candidate', lastName: `Number ${i}`, externalId: `ats-${i}`, sendEmail: false }),
    );
    interviewIds.push(interview.id);
  }
  // Created after the invitations, so their interview.create events have no deliveries: the bench counts only its own.
  const webhook = await services.webhooks.create(workspaceId, { url: m.receiverUrl, events: [...WEBHOOK_EVENTS] });
  platform.webhookDispatcher.start();
  send({ type: 'ready', workspaceId, webhookId: webhook.id, database: isPostgres(db) ? 'postgres' : 'sqlite', concurrency: config.webhooks.concurrency, pollMs: config.webhooks.pollMs });
}

/**
 * BENCH_EXPLAIN=1 (PostgreSQL): about once a second while deliveries are pending, the last claim statement is run
 * again under EXPLAIN (ANALYZE, BUFFERS) in a transaction that is rolled back, and the plan printed to stderr.
 */
function explainClaims() {
  let last: { sql: string; parameters: readonly unknown[] } | undefined;
  // At the driver: the claim may run inside a transaction of its own.
  const query = pg.Client.prototype.query as (...args: any[]) => any;
  pg.Client.prototype.query = function (this: pg.Client, ...args: any[]) {
    // A text, or a named statement's { name, text, values } (see keptPrepared).
    const [text, values] = typeof args[0] === 'string' ? [args[0], args[1]] : [args[0]?.text, args[0]?.values];
    if (typeof text === 'string' && /^\s*with due as/.test(text)) last = { sql: text, parameters: values ?? [] };
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
  const timer = setInterval(async () => {
    const claim = last;
    last = undefined;
    if (!claim) return;
    const now = Date.now();
    const parameters = claim.parameters.map((p, i) => (i === 0 ? now : i === 3 ? now + 60_000 : p));
    await db
      .transaction()
      .execute(async (trx) => {
        // The planner settings the dispatcher's claim runs under.
        await trx.executeQuery(PG_DISPATCH_PLAN);
        const { rows } = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain (analyze, buffers) ${claim.sql}`, parameters));
        const pending = await trx.executeQuery<{ n: string }>(CompiledQuery.raw(`select count(*) as n from webhook_deliveries where status = 'pending'`));
        console.error(`--- claim plan, ${pending.rows[0]!.n} pending:\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
        throw new RollBack();
      })
      .catch((error) => {
        if (!(error instanceof RollBack)) console.error('explain failed', error);
      });
  }, 1000);
  timer.unref();
}
class RollBack extends Error {}

const maxSeq = async () => Number((await db.selectFrom('webhook_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst())?.seq ?? 0);

/** `events` changes, each in its own transaction, spread round-robin over the interviews, as fast as possible or paced. */
async function emit(m: Extract<Message, { type: 'emit' }>) {
  const events = platform.services.webhookEvents;
  const names = WEBHOOK_EVENTS.filter((e) => e !== 'interview.create' && e !== 'interview.delete') as WebhookEventName[];
  const fromSeq = await maxSeq();
  let next = 0;
  const t0 = Date.now();
  const p0 = performance.now();
  const one = async (i: number) => {
    const interviewId = interviewIds[i % interviewIds.length]!;
    await db.transaction().execute((trx) => events.emit(trx, workspaceId, names[i % names.length]!, interviewId));
  };
  // Each emitter takes the next index; per-interview order is the order of the index as long as one interview's
  // changes are not emitted concurrently, which round-robin over ≥ emitters interviews guarantees.
  await Promise.all(
    Array.from({ length: m.emitters }, async () => {
      for (;;) {
        const i = next++;
        if (i >= m.events) return;
        if (m.rate > 0) {
          const due = p0 + (i * 1000) / m.rate;
          const wait = due - performance.now();
          if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        }
        await one(i);
        // Each change in its own turn of the event loop, as when each comes from an HTTP request: with SQLite the
        // whole transaction runs synchronously, and without this the loop would never let answers in meanwhile.
        await new Promise((r) => setImmediate(r));
      }
    }),
  );
  const t1 = Date.now();
  lastEmit = { fromSeq, toSeq: await maxSeq() };
  send({ type: 'emitted', t0, t1, count: m.events });
}

async function listEvents() {
  const rows = await db
    .selectFrom('webhook_events')
    .select(['id', 'interview_id', 'created_at'])
    .where('seq', '>', lastEmit.fromSeq)
    .where('seq', '<=', lastEmit.toSeq)
    .orderBy('seq')
    .execute();
  send({ type: 'events', ids: rows.map((r) => r.id), interviews: rows.map((r) => r.interview_id), createdAt: rows.map((r) => Number(r.created_at)) });
}

/** The bodies of the last emit, signed and sent exactly as the dispatcher does, by `concurrency` plain workers. */
async function bare(m: Extract<Message, { type: 'bare' }>) {
  const rows = await db
    .selectFrom('webhook_events as ev')
    .innerJoin('workspaces as ws', 'ws.id', 'ev.workspace_id')
    .select(['ev.id', 'ev.body', 'ws.webhook_secret'])
    .where('ev.seq', '>', lastEmit.fromSeq)
    .where('ev.seq', '<=', lastEmit.toSeq)
    .orderBy('ev.seq')
    .execute();
  const webhook = (await new WebhookRepository(db).listActive(workspaceId))[0]!;
  const sender = new WebhookSender(config.webhooks.allowPrivateUrls, m.concurrency);
  let next = 0;
  let failures = 0;
  cpuMs();
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: m.concurrency }, async () => {
      for (;;) {
        const row = rows[next++];
        if (!row) return;
        const timestamp = Math.floor(Date.now() / 1000);
        const result = await sender.send(webhook.url, row.body, {
          'x-hireflix-signature': hireflixSignature(row.webhook_secret, row.body),
          'webhook-id': row.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': standardSignature(row.webhook_secret, row.id, timestamp, row.body),
        });
        if (result.statusCode !== 200) failures++;
      }
    }),
  );
  const t1 = Date.now();
  const cpu = cpuMs();
  sender.close();
  send({ type: 'bareDone', t0, t1, count: rows.length, failures, cpuMs: cpu });
}

let profiledSince = 0;
let cpuSince = process.cpuUsage();
/** CPU time of this process (user + system) since the last call, ms. */
const cpuMs = () => {
  const used = process.cpuUsage(cpuSince);
  cpuSince = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
let inspector: Session | undefined;

/** Deliveries by status, and the attempts since the last profile that failed (timeouts under load show here). */
async function deliveryStates() {
  const rows = await db.selectFrom('webhook_deliveries').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const failed = await db
    .selectFrom('webhook_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('started_at', '>=', profiledSince)
    .where((eb) => eb.or([eb('status_code', 'is', null), eb('status_code', '<>', 200)]))
    .executeTakeFirst();
  profiledSince = Date.now();
  return { ...Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])), 'failed attempts': Number(failed?.n ?? 0) };
}

process.on('message', (m: Message) => {
  const run = async () => {
    switch (m.type) {
      case 'setup':
        return setup(m);
      case 'emit':
        return emit(m);
      case 'events':
        return listEvents();
      case 'bare':
        return bare(m);
      case 'profile': {
        const snapshot = Object.fromEntries(phases);
        phases.clear();
        const cpu = cpuMs();
        return send({ type: 'profile', phases: snapshot, deliveries: await deliveryStates(), cpuMs: cpu });
      }
      case 'cpuProfile': {
        const dir = process.env.BENCH_CPU_PROFILE_DIR;
        if (dir) {
          inspector ??= new Session();
          if (m.on) {
            inspector.connect();
            await inspector.post('Profiler.enable');
            await inspector.post('Profiler.start');
          } else {
            const { profile } = await inspector.post('Profiler.stop');
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(path.join(dir, `${m.name ?? 'platform'}.cpuprofile`), JSON.stringify(profile));
            inspector.disconnect();
          }
        }
        return send({ type: 'cpuProfiled' });
      }
      case 'pause':
        await platform.webhookDispatcher.stop();
        return send({ type: 'paused' });
      case 'resume': {
        const t0 = Date.now();
        platform.webhookDispatcher.start();
        return send({ type: 'resumed', t0 });
      }
      case 'stop':
        await platform?.close();
        await db.destroy();
        process.disconnect();
        return;
    }
  };
  run().catch((error) => {
    send({ type: 'error', message: (error as Error).stack ?? String(error) });
  });
});
send({ type: 'started', pid: process.pid });
