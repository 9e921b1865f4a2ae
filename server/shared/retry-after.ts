/**
 * An HTTP Retry-After header, as seconds or an HTTP date, in milliseconds from `now`; null when absent or unreadable.
 * Plain code without Node's modules: the server reads it from webhook receivers, the candidate app from the server.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
