// How dates, durations, scores and statuses read in the app.
import type { Decision, InterviewStatus } from '../data/interviews.ts';

const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

export const formatDate = (ms: number | null | undefined): string => (ms ? dateFormat.format(ms) : '—');
export const formatDateTime = (ms: number | null | undefined): string => (ms ? dateTimeFormat.format(ms) : '—');

/** 75.8 → "1:15", counted down to the second as video players do. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** 90 → "1 min 30 s", 30 → "30 s", 120 → "2 min". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return s ? `${m} min ${s} s` : `${m} min`;
}

/** 3.5 → "3.5", 4 → "4.0"; the team's mean keeps up to two decimals. */
export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined) return '—';
  return Number.isInteger(score * 2) ? score.toFixed(1) : score.toFixed(2);
}

export const STATUS_LABELS: Record<InterviewStatus, string> = {
  pending: 'Pending',
  in_progress: 'In progress',
  completed: 'Completed',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

export const DECISION_LABELS: Record<Decision, string> = { shortlisted: 'Shortlisted', discarded: 'Discarded' };

/** An <input type="date"> value (local day) as the end of that day, in ISO 8601 with the offset. */
export function endOfLocalDay(value: string): string | null {
  if (!value) return null;
  const [y, m, d] = value.split('-').map(Number);
  if (!y || !m || !d) return null;
  return new Date(y, m - 1, d, 23, 59, 59).toISOString();
}

/** Today as an <input type="date"> value, for its `min`. */
/** The local day of `date` as `<input type="date">` writes it. */
export function dateInputValue(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** The local day `days` from today, as `<input type="date">` writes it. */
export function dayInputValue(days = 0): string {
  const day = new Date();
  day.setDate(day.getDate() + days);
  return dateInputValue(day);
}

export const todayInputValue = (): string => dayInputValue(0);

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
