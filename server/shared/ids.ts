import { createHash, randomBytes, randomInt } from 'node:crypto';

// Ids have the layout of a MongoDB ObjectId, like Hireflix's: 4 bytes of Unix seconds, 5 random bytes drawn once per
// process, and a 3-byte counter from a random start. A process's ids therefore sort by creation, so an index on
// them grows at its end: a batch of webhook attempts touches a page or two of each index instead of a page per
// row, and a SQLite commit writes every page it touched (bench:webhooks). They are not secrets: whatever grants
// access (a candidate's link, a session, an API key, a signed URL) is a random token of its own.
const processBytes = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);

/** 24 hex characters, the shape of Hireflix's ids, in creation order within a process. */
export function newId(): string {
  counter = (counter + 1) & 0xffffff;
  const seconds = Math.floor(Date.now() / 1000);
  return seconds.toString(16).padStart(8, '0') + processBytes + counter.toString(16).padStart(6, '0');
}

/** Random hex for labels that must differ between processes and restarts (a worker's lease owner). */
export const newRandomHex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** A bearer secret for URLs: 32 random bytes, base64url (256 bits). */
export const newSecretToken = (): string => randomBytes(32).toString('base64url');

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Base62 code; 22 characters carry 131 bits, enough for a link that must not be guessed. */
export function newCode(length = 22): string {
  let out = '';
  for (let i = 0; i < length; i++) out += base62[randomInt(62)];
  return out;
}

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
