import { sql } from 'kysely';
import { validationFailed } from './errors.ts';

/** Keyset cursors over (created_at, id), newest first: stable while rows are added. */
export const encodeCursor = (createdAt: number, id: string): string => Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');

export const NOT_A_CURSOR = 'is not a cursor this API returned';

/** The position a cursor holds; null when it is not one this API returned. */
export function parseCursor(cursor: string): { createdAt: number; id: string } | null {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (typeof createdAt === 'number' && typeof id === 'string') return { createdAt, id };
  } catch {
    // not JSON
  }
  return null;
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const position = parseCursor(cursor);
  if (!position) throw validationFailed([{ path: 'cursor', message: NOT_A_CURSOR }]);
  return position;
}

/** Cursors over a sequence number (the webhook event log, newest first). */
export const encodeSeqCursor = (seq: number): string => Buffer.from(String(seq)).toString('base64url');

/** The sequence number a cursor of encodeSeqCursor holds; refused like decodeCursor when it is not one. */
export function decodeSeqCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString();
  const seq = /^[1-9][0-9]*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(seq)) throw validationFailed([{ path: 'cursor', message: NOT_A_CURSOR }]);
  return seq;
}

/** Cuts the one extra row a query fetched to know whether there is a next page. */
export function pageOf<T extends { created_at: number; id: string }>(rows: T[], limit: number): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null };
}

/** The keyset condition for rows after a cursor, for a table with created_at and id columns. */
export const afterCursor = (table: string, before: { createdAt: number; id: string }) => beyondCursor(table, before, 'desc');

/** Rows past a cursor when walking (created_at, id) in `order`: older ones for 'desc', newer ones for 'asc'. */
export const beyondCursor = (table: string, cursor: { createdAt: number; id: string }, order: 'asc' | 'desc') => {
  const createdAt = sql.ref(`${table}.created_at`);
  const id = sql.ref(`${table}.id`);
  const past = sql.raw(order === 'asc' ? '>' : '<');
  return sql<boolean>`(${createdAt} ${past} ${cursor.createdAt} or (${createdAt} = ${cursor.createdAt} and ${id} ${past} ${cursor.id}))`;
};
