import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
export type DbExecutor = Db | Tx;
export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

// bigint columns hold epoch milliseconds, well inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export function createDatabase(target: DatabaseTarget): Db {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: 10, Client: PreparingClient });
    // An idle connection killed by the server (restart, failover) must not crash the process; the pool replaces it.
    pool.on('error', (error) => process.stderr.write(`${JSON.stringify({ level: 'warn', msg: 'idle PostgreSQL connection lost', error: error.message })}\n`));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  if (target.path !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(target.path)), { recursive: true });
  const sqlite = new SQLite(target.path);
  cachePreparedStatements(sqlite);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  if (target.path !== ':memory:') startWalCheckpoints(sqlite, path.resolve(target.path));
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  sqliteHandles.set(db.getExecutor().adapter, sqlite);
  return db;
}

/** SQL texts kept prepared on every PostgreSQL connection, with their statement names (see keptPrepared). */
const keptPreparedNames = new Map<string, string>();

/**
 * Marks a statement's SQL text (raw SQL, the same text every call) to be kept prepared on each PostgreSQL connection:
 * parsed, analysed and, under plan_cache_mode = force_generic_plan, planned once per connection instead of on
 * every call. For the few statements a hot loop repeats (the webhook dispatcher's), whose planning was an eighth of
 * their time in bench:webhooks (pg_stat_statements). Only for statements whose one generic plan is right whatever
 * the arguments. Returns the text.
 */
export function keptPrepared(text: string): string {
  if (!keptPreparedNames.has(text)) keptPreparedNames.set(text, `kept_${keptPreparedNames.size}`);
  return text;
}

/** A pg client that runs the texts marked by keptPrepared as named statements (node-postgres prepares each once per connection). */
class PreparingClient extends pg.Client {}
// One replacement for pg's many overloads: Kysely calls query(text, values) and query(cursor). pg's own is looked up at
// each call, so a wrapper installed later (bench:webhooks' BENCH_EXPLAIN) still sees every query.
PreparingClient.prototype.query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
  const plainQuery = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;
  const name = typeof config === 'string' ? keptPreparedNames.get(config) : undefined;
  if (name !== undefined && Array.isArray(rest[0])) return plainQuery.call(this, { name, text: config, values: rest[0] });
  return plainQuery.call(this, config, ...rest);
} as typeof pg.Client.prototype.query;

/** Each SQLite Kysely's connection, by its adapter: a transaction of that Kysely has the same adapter object. */
const sqliteHandles = new WeakMap<object, SQLite.Database>();

/**
 * Runs `work` synchronously on the SQLite connection behind `db` (a Kysely or one of its transactions), once Kysely
 * hands that connection over: no other query or transaction of the process runs in between, and inside a
 * transaction the statements are part of it. For hot batches (a webhook delivery's outcome is two statements)
 * where a Kysely call per row costs more than SQLite running the row; statements prepared from the same text are
 * reused (see cachePreparedStatements).
 */
export function withSqlite<T>(db: DbExecutor, work: (sqlite: SQLite.Database) => T): Promise<T> {
  const sqlite = sqliteHandles.get(db.getExecutor().adapter);
  if (!sqlite) return Promise.reject(new Error('withSqlite: not a SQLite database'));
  return db.getExecutor().provideConnection(async () => work(sqlite));
}

/** How often the checkpoint thread copies the WAL into the database file. */
const WAL_CHECKPOINT_EVERY_MS = 1000;
/** Pages (4 KiB) the WAL may reach before this connection checkpoints itself: only if the thread falls behind. */
const WAL_FALLBACK_PAGES = 10_000;

/**
 * better-sqlite3 runs on the server's thread, and SQLite's automatic checkpoint (every 1000 pages) makes the commit
 * that triggers it copy the WAL into the database and fsync it there. A worker thread with its own connection does
 * that instead, every second; the automatic checkpoint stays as a fallback at 10,000 pages. Stops when the
 * database is closed.
 */
function startWalCheckpoints(sqlite: SQLite.Database, file: string): void {
  const worker = new Worker(new URL('./wal-checkpoint-worker.mjs', import.meta.url), { workerData: { path: file, everyMs: WAL_CHECKPOINT_EVERY_MS } });
  worker.unref();
  worker.on('error', (error) => process.stderr.write(`${JSON.stringify({ level: 'warn', msg: 'WAL checkpoint thread stopped', error: error.message })}\n`));
  sqlite.pragma(`wal_autocheckpoint = ${WAL_FALLBACK_PAGES}`);
  const close = sqlite.close.bind(sqlite);
  sqlite.close = () => {
    worker.postMessage('stop');
    return close();
  };
}

/**
 * Kysely prepares every SQLite statement again on each call; the same SQL text gets the same prepared
 * statement instead (statements run synchronously, so reuse is safe). Measured by bench:ingest: about a
 * quarter of the server's CPU per uploaded chunk went to SQL, a third of that to prepare.
 */
function cachePreparedStatements(sqlite: SQLite.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, SQLite.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      if (cache.size >= 1000) cache.clear();
      statement = prepare(source);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
}

export function isPostgres(db: DbExecutor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Unique-constraint violations from either driver, so services can map them to domain errors. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
