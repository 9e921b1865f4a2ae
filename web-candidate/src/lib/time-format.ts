/** 95 → "1:35". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** 95 → "1 minute 35 seconds", for reading aloud and for limits. */
export function spokenDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(s / 60);
  const rest = s % 60;
  const parts: string[] = [];
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  if (rest || !minutes) parts.push(`${rest} second${rest === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/** What a screen reader hears as a countdown goes: every 10 seconds and each of the last 5; else nothing. */
export function countdownAnnouncement(remainingSeconds: number, what: string): string | null {
  const s = Math.ceil(remainingSeconds);
  if (s <= 0) return null;
  if (s <= 5) return String(s);
  if (s % 10 === 0) return `${spokenDuration(s)} ${what}`;
  return null;
}

export function deadline(epochMs: number): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' }).format(new Date(epochMs));
}

/** The time of day, as "5:00 PM" or "17:00" in the candidate's locale. */
export function timeOfDay(epochMs: number): string {
  return new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(new Date(epochMs));
}
