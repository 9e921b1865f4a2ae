import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/database.ts';
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

  private loadKey(): Promise<Buffer> {
    this.key ??= (async () => {
      if (this.configuredSecret) return Buffer.from(this.configuredSecret);
      await this.db
        .insertInto('server_secrets')
        .values({ name: 'url_signing', value: randomBytes(32).toString('base64url'), created_at: this.clock.now() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const row = await this.db.selectFrom('server_secrets').select('value').where('name', '=', 'url_signing').executeTakeFirstOrThrow();
      return Buffer.from(row.value);
    })();
    return this.key;
  }

  /** `?expires=…&signature=…` for a path, valid for `ttlMs`. */
  async sign(path: string, ttlMs: number): Promise<string> {
    const expires = Math.floor((this.clock.now() + ttlMs) / 1000);
    const signature = createHmac('sha256', await this.loadKey()).update(`${path}\n${expires}`).digest('base64url');
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
