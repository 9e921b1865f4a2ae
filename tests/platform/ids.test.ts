import { describe, expect, it } from 'vitest';
import { newId, newRandomHex } from '../../server/shared/ids.ts';

describe('ids', () => {
  it('are 24 hex characters, unique, and sort in the order they were made', () => {
    const ids = Array.from({ length: 100_000 }, () => newId());
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // The counter wraps after 16,777,216 ids; a run of 100,000 crosses the wrap at most once.
    const descents = ids.filter((id, i) => i > 0 && id < ids[i - 1]!).length;
    expect(descents).toBeLessThanOrEqual(1);
  });

  it('start with the Unix seconds they were made at, like a MongoDB ObjectId (Hireflix ids)', () => {
    const before = Math.floor(Date.now() / 1000);
    const seconds = parseInt(newId().slice(0, 8), 16);
    expect(seconds).toBeGreaterThanOrEqual(before);
    expect(seconds).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('random labels differ', () => {
    expect(newRandomHex(4)).toMatch(/^[0-9a-f]{8}$/);
    expect(newRandomHex(4)).not.toBe(newRandomHex(4));
  });
});
