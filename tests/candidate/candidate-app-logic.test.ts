import { describe, expect, it } from 'vitest';
import { CandidateApiError, NetworkError, isRetryable, tokenFromPath } from '../../web-candidate/src/data/candidate-api.ts';
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
});
