import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db, DbExecutor } from '../db/database.ts';
import type { Clock } from './clock.ts';

/**
 * Signs URLs that work without a session (media for reviewers and ATSs). The key is SECRET_KEY, or one
 * generated once and kept in the database so every server process on it agrees.
 */
export class UrlSigner {
  private key?: Promise<Buffer>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly configuredSecret?: string,
  ) {}

  /** Inside a transaction pass it: on SQLite a query on another handle would wait for the transaction forever. */
  private loadKey(executor: DbExecutor = this.db): Promise<Buffer> {
    this.key ??= (async () => {
      if (this.configuredSecret) return Buffer.from(this.configuredSecret);
      await executor
        .insertInto('server_secrets')
        .values({ name: 'url_signing', value: randomBytes(32).toString('base64url'), created_at: this.clock.now() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const row = await executor.selectFrom('server_secrets').select('value').where('name', '=', 'url_signing').executeTakeFirstOrThrow();
      return Buffer.from(row.value);
    })();
    // A failed first load (a rolled-back transaction) must not poison every later call.
    this.key.catch(() => (this.key = undefined));
    return this.key;
  }

  /** `?expires=…&signature=…` for a path, valid for `ttlMs`. */
  async sign(path: string, ttlMs: number, executor?: DbExecutor): Promise<string> {
    const expires = Math.floor((this.clock.now() + ttlMs) / 1000);
    const signature = createHmac('sha256', await this.loadKey(executor)).update(`${path}\n${expires}`).digest('base64url');
    return `${path}?expires=${expires}&signature=${signature}`;
  }

  async verify(path: string, expires: string | undefined, signature: string | undefined): Promise<boolean> {
    if (!expires || !signature || !/^\d+$/.test(expires)) return false;
    if (Number(expires) * 1000 < this.clock.now()) return false;
    const expected = createHmac('sha256', await this.loadKey()).update(`${path}\n${expires}`).digest();
    const given = Buffer.from(signature, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
