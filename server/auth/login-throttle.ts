import { sql } from 'kysely';
import type { DbExecutor } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';

/** Wrong passwords an account may take in one window before its logins are refused until the window ends. */
export const LOGIN_FAILURES_ALLOWED = 10;
export const LOGIN_WINDOW_MS = 15 * 60_000;

/**
 * Slows password guessing per account: after 10 failed logins within 15 minutes, logins for that email are refused
 * (429 `rate_limited`, with the seconds to wait) until the window ends, whatever the password. Kept in the database,
 * so every server process counts together; a successful login clears the count.
 */
export class LoginThrottle {
  constructor(
    private readonly db: DbExecutor,
    private readonly clock: Clock,
  ) {}

  async assertAllowed(emailKey: string): Promise<void> {
    const row = await this.db.selectFrom('login_throttle').selectAll().where('email_key', '=', emailKey).executeTakeFirst();
    const now = this.clock.now();
    if (!row || row.failures < LOGIN_FAILURES_ALLOWED || row.window_started_at + LOGIN_WINDOW_MS <= now) return;
    const retryAfterSeconds = Math.ceil((row.window_started_at + LOGIN_WINDOW_MS - now) / 1000);
    throw new AppError('rate_limited', `Too many failed logins for this account; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s)`, { retryAfterSeconds });
  }

  /** Counts a failure in the current window, or starts a new window when the last one has passed. */
  async recordFailure(emailKey: string): Promise<void> {
    const now = this.clock.now();
    const windowOver = sql<boolean>`login_throttle.window_started_at <= ${now - LOGIN_WINDOW_MS}`;
    await this.db
      .insertInto('login_throttle')
      .values({ email_key: emailKey, failures: 1, window_started_at: now })
      .onConflict((oc) =>
        oc.column('email_key').doUpdateSet({
          failures: sql<number>`case when ${windowOver} then 1 else login_throttle.failures + 1 end`,
          window_started_at: sql<number>`case when ${windowOver} then ${now} else login_throttle.window_started_at end`,
        }),
      )
      .execute();
  }

  async reset(emailKey: string): Promise<void> {
    await this.db.deleteFrom('login_throttle').where('email_key', '=', emailKey).execute();
  }
}
