/** Delays before each retry, about three days in all; the spec's schedule (hireflix-compat.md, section 1). */
const RETRY_DELAYS_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 5 * 3600_000, 10 * 3600_000, 14 * 3600_000, 20 * 3600_000, 24 * 3600_000];

export const MAX_DELIVERY_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
export const DELIVERY_TIMEOUT_MS = 15_000;
/** Retry-After is honoured up to this; a receiver cannot park an event for weeks. */
const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/** When to try again after `attempts` failed tries, or null when the schedule is spent. Jitter ±10% spreads a burst. */
export function nextAttemptDelay(attempts: number, retryAfterMs: number | null, random = Math.random): number | null {
  const base = RETRY_DELAYS_MS[attempts - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (0.9 + random() * 0.2));
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}
