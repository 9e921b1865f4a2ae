import { createHash, randomBytes, randomFillSync, randomInt } from 'node:crypto';

// Ids are drawn from a pool of random bytes refilled 512 ids at a time: one randomBytes call per id cost about
// as much as the rest of a webhook delivery's bookkeeping (bench:webhooks).
const idPool = Buffer.alloc(12 * 512);
let idPoolUsed = idPool.length;

/** 24 hex characters, the shape of Hireflix's ids. */
export function newId(): string {
  if (idPoolUsed === idPool.length) {
    randomFillSync(idPool);
    idPoolUsed = 0;
  }
  idPoolUsed += 12;
  return idPool.toString('hex', idPoolUsed - 12, idPoolUsed);
}

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
