import { describe, expect, it, vi } from 'vitest';
import { parseRetryAfter } from '../../server/shared/retry-after.ts';
import { CandidateApiError, NetworkError, isRetryable, tokenFromPath, type CandidateApi } from '../../web-candidate/src/data/candidate-api.ts';
import type { ChunkStore, StoredTake } from '../../web-candidate/src/data/chunk-store.ts';
import { UploadQueue, retryDelayMs } from '../../web-candidate/src/data/upload-queue.ts';
import { clock, countdownAnnouncement, spokenDuration } from '../../web-candidate/src/lib/time-format.ts';
import { chooseRecordingType, recordingBitrates } from '../../web-candidate/src/media/recorder-format.ts';

/** The candidate app's pure rules, without a browser. */
describe('candidate app logic', () => {
  it('reads the token from /i/<token> and nothing else', () => {
    expect(tokenFromPath('/i/abc_DEF-123')).toBe('abc_DEF-123');
    expect(tokenFromPath('/i/abc/')).toBe('abc');
    expect(tokenFromPath('/i/')).toBeNull();
    expect(tokenFromPath('/candidate/index.html')).toBeNull();
    expect(tokenFromPath('/i/abc/extra')).toBeNull();
  });

  it('records WebM where it can and falls back to MP4 (Safari)', () => {
    const supports = (...types: string[]) => (type: string) => types.includes(type);
    expect(chooseRecordingType(supports('video/webm;codecs=vp9,opus', 'video/webm'))).toBe('video/webm;codecs=vp9,opus');
    expect(chooseRecordingType(supports('video/webm;codecs=vp8,opus', 'video/mp4'))).toBe('video/webm;codecs=vp8,opus');
    expect(chooseRecordingType(supports('video/mp4;codecs=avc1,mp4a.40.2', 'video/mp4'))).toBe('video/mp4;codecs=avc1,mp4a.40.2');
    expect(chooseRecordingType(supports('video/mp4'))).toBe('video/mp4');
    expect(chooseRecordingType(supports())).toBeNull();
  });

  it('asks the recorder for well under the server byte rate', () => {
    const { videoBitsPerSecond, audioBitsPerSecond } = recordingBitrates(1_250_000);
    expect((videoBitsPerSecond + audioBitsPerSecond) / 8).toBeLessThan(1_250_000 * 0.6);
    expect(recordingBitrates(10_000).videoBitsPerSecond).toBeGreaterThanOrEqual(250_000);
  });

  it('announces a countdown every 10 s and each of the last 5 s only', () => {
    const spoken = Array.from({ length: 31 }, (_, i) => 30 - i)
      .map((s) => countdownAnnouncement(s, 'left'))
      .filter(Boolean);
    expect(spoken).toEqual(['30 seconds left', '20 seconds left', '10 seconds left', '5', '4', '3', '2', '1']);
    expect(countdownAnnouncement(90, 'left')).toBe('1 minute 30 seconds left');
  });

  it('formats times for the screen and for speech', () => {
    expect(clock(95)).toBe('1:35');
    expect(clock(0.2)).toBe('0:01');
    expect(spokenDuration(60)).toBe('1 minute');
    expect(spokenDuration(1)).toBe('1 second');
    expect(spokenDuration(125)).toBe('2 minutes 5 seconds');
  });

  it('retries network failures and server errors, not refusals', () => {
    expect(isRetryable(new NetworkError('offline'))).toBe(true);
    expect(isRetryable(new CandidateApiError(503, 'unavailable', 'down'))).toBe(true);
    expect(isRetryable(new CandidateApiError(429, 'rate_limited', 'slow down'))).toBe(true);
    expect(isRetryable(new CandidateApiError(409, 'answer_submitted', 'done'))).toBe(false);
    expect(new CandidateApiError(410, 'invitation_expired', 'late').closesInterview).toBe(true);
    expect(new CandidateApiError(404, 'link_not_found', 'no').closesInterview).toBe(true);
    expect(new CandidateApiError(404, 'answer_not_found', 'no').closesInterview).toBe(false);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-06-02T10:00:00Z');
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 30 ', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 02 Jun 2025 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Mon, 02 Jun 2025 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('waits before sending a piece again at least as long as the server asks', () => {
    const limits = { baseMs: 1000, maxMs: 30_000 };
    const lowestJitter = () => 0;
    expect(retryDelayMs(1, null, limits, lowestJitter)).toBe(800);
    expect(retryDelayMs(1, 2000, limits, lowestJitter)).toBe(2000);
    // Deep into an outage the backoff is already longer than what the server asks.
    expect(retryDelayMs(6, 1000, limits, lowestJitter)).toBe(24_000);
  });

  // A Retry-After of an hour is cut to the longest backoff (30 s): the candidate would otherwise watch an upload that does not move.
  it.each([
    { retryAfterMs: 5000, resentAfterMs: 5000 },
    { retryAfterMs: 3_600_000, resentAfterMs: 30_000 },
  ])('does not send a piece refused with 503 and Retry-After $retryAfterMs ms again before $resentAfterMs ms, even when later pieces get through', async ({ retryAfterMs, resentAfterMs }) => {
    vi.useFakeTimers();
    vi.stubGlobal('window', new EventTarget());
    const sent: { seq: number; at: number }[] = [];
    let refused = false;
    const api = {
      async putChunk(_answerId: string, seq: number, blob: Blob) {
        sent.push({ seq, at: Date.now() });
        if (seq === 0 && !refused) {
          refused = true;
          throw new CandidateApiError(503, 'unavailable', 'The chunk could not be stored just now; send it again', [], retryAfterMs);
        }
        return { seq, size: blob.size, duplicate: false };
      },
    } as unknown as CandidateApi;
    const store = { deleteChunk: async () => undefined } as unknown as ChunkStore;
    const queue = new UploadQueue(api, store);
    try {
      queue.start();
      queue.track({ answerId: 'take-1', createdAt: 1 } as StoredTake);
      const startedAt = Date.now();
      queue.enqueue('take-1', 0, new Blob(['first second']));
      await vi.advanceTimersByTimeAsync(0);
      // Piece 1 gets through: that ends a backoff, but not the wait the server asked for piece 0.
      queue.enqueue('take-1', 1, new Blob(['next second']));
      await vi.advanceTimersByTimeAsync(resentAfterMs - 100);
      expect(sent.map((s) => s.seq)).toEqual([0, 1]);
      expect(queue.state.pendingChunks).toBe(1);
      await vi.advanceTimersByTimeAsync(200);
      expect(sent.map((s) => s.seq)).toEqual([0, 1, 0]);
      expect(sent[2]!.at - startedAt).toBeGreaterThanOrEqual(resentAfterMs);
      expect(queue.state.pendingChunks).toBe(0);
    } finally {
      queue.stop();
      vi.unstubAllGlobals();
      vi.useRealTimers();
    }
  });
});
