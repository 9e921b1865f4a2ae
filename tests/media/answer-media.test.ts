import { access, readFile, writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { answerContainerFor, answerContainerForMimeType, remuxAnswer } from '../../server/media/answer-remux.ts';
import { extractThumbnail } from '../../server/media/answer-thumbnail.ts';
import { ffmpegCommand, MediaProcessingError, runFfmpeg } from '../../server/media/ffmpeg.ts';
import { probeMedia, type MediaProbe } from '../../server/media/media-probe.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  bFramesMp4,
  chromiumH264Matroska,
  garbageFile,
  mediaRecorderChunks,
  mediaRecorderWebm,
  outputPath,
  recorderMp4,
  removeMediaFixtures,
  seekableWebm,
} from '../support/media-fixtures.ts';

afterAll(removeMediaFixtures);

// EBML ID of the Matroska Cues element, the seek index MediaRecorder never writes.
const cuesId = Buffer.from([0x1c, 0x53, 0xbb, 0x6b]);

async function hasCues(file: string): Promise<boolean> {
  return (await readFile(file)).includes(cuesId);
}

/** Decodes every frame; ffmpeg prints nothing at -loglevel error when the file is sound. */
async function decodeErrors(file: string): Promise<string> {
  let stderr = '';
  await runFfmpeg('decode for test', ffmpegCommand(file).format('null').output('-'), { timeoutMs: 60_000 })
    .catch((error: MediaProcessingError) => (stderr = error.message));
  return stderr;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

describe('probeMedia', () => {
  it('reports duration, streams and size of a finished WebM', async () => {
    const probe = await probeMedia(await seekableWebm(5));
    expect(probe).toMatchObject({
      formatName: 'matroska,webm', hasVideo: true, hasAudio: true, videoCodec: 'vp8', audioCodec: 'opus', width: 640, height: 480,
    });
    expect(probe.durationSeconds).toBeCloseTo(5, 0);
  });

  it('reports no duration for a MediaRecorder-style WebM', async () => {
    const file = await mediaRecorderWebm(8);
    expect((await probeMedia(file)).durationSeconds).toBeNull();
    expect(await hasCues(file)).toBe(false);
  });
});

describe('answerContainerFor', () => {
  const probe = (videoCodec: string | null, audioCodec: string | null): MediaProbe => ({
    formatName: 'matroska,webm', durationSeconds: null, hasVideo: videoCodec !== null, hasAudio: audioCodec !== null,
    videoCodec, audioCodec, width: null, height: null,
  });

  it.each([
    ['vp8', 'opus', 'webm', 'video/webm'],
    ['vp9', 'opus', 'webm', 'video/webm'],
    ['av1', null, 'webm', 'video/webm'],
    ['h264', 'opus', 'mp4', 'video/mp4'],
    ['h264', 'aac', 'mp4', 'video/mp4'],
    ['h264', 'pcm_s16le', 'mkv', 'video/x-matroska'],
    ['vp8', 'aac', 'mkv', 'video/x-matroska'],
    [null, 'opus', 'webm', 'audio/webm'],
    [null, 'aac', 'mp4', 'audio/mp4'],
  ])('%s + %s goes into .%s as %s', (video, audio, extension, contentType) => {
    expect(answerContainerFor(probe(video, audio))).toMatchObject({ extension, contentType });
  });

  it('refuses a file with neither video nor audio', () => {
    expect(() => answerContainerFor(probe(null, null))).toThrow(MediaProcessingError);
  });
});

describe('remuxAnswer', () => {
  it('gives a duration-less MediaRecorder WebM its duration and cues', async () => {
    const answer = await remuxAnswer(await mediaRecorderWebm(8), await outputPath('answer'));
    expect(answer.file).toMatch(/answer\.webm$/);
    expect(answer.container).toEqual({ format: 'webm', extension: 'webm', contentType: 'video/webm' });
    expect(Math.abs((await probeMedia(answer.file)).durationSeconds! - 8)).toBeLessThan(0.5);
    expect((await probeMedia(answer.file))).toMatchObject({ videoCodec: 'vp8', audioCodec: 'opus', width: 640, height: 480 });
    expect(await hasCues(answer.file)).toBe(true);
    expect(await decodeErrors(answer.file)).toBe('');
  });

  it('remuxes a recording uploaded as consecutive byte chunks', async () => {
    const chunks = await mediaRecorderChunks(8);
    expect(chunks.length).toBe(8);
    const joined = await outputPath('joined.webm');
    await writeFile(joined, Buffer.concat(chunks));
    const answer = await remuxAnswer(joined, await outputPath('answer'));
    expect(Math.abs((await probeMedia(answer.file)).durationSeconds! - 8)).toBeLessThan(0.5);
    expect(await decodeErrors(answer.file)).toBe('');
  });

  it('remuxes chunks streamed in, in the container their declared type names, without a probe', async () => {
    const chunks = await mediaRecorderChunks(8);
    let reads = 0;
    const streamed = () => {
      reads++;
      return Readable.from(chunks);
    };
    const container = answerContainerForMimeType('video/webm;codecs=vp8,opus');
    const answer = await remuxAnswer(streamed, await outputPath('answer'), { container });
    expect(reads).toBe(1);
    expect(answer.container).toEqual({ format: 'webm', extension: 'webm', contentType: 'video/webm' });
    const probe = await probeMedia(answer.file);
    expect(Math.abs(probe.durationSeconds! - 8)).toBeLessThan(0.5);
    expect(await hasCues(answer.file)).toBe(true);
    expect(await decodeErrors(answer.file)).toBe('');
  });

  it('probes a streamed recording from its start when no container is given', async () => {
    const chunks = await mediaRecorderChunks(8);
    expect(await probeMedia(() => Readable.from(chunks))).toMatchObject({ videoCodec: 'vp8', audioCodec: 'opus', width: 640, durationSeconds: null });
    const answer = await remuxAnswer(() => Readable.from(chunks), await outputPath('answer'));
    expect(answer.container.extension).toBe('webm');
  });

  it('keeps what arrived of a recording whose last chunks never came', async () => {
    const chunks = await mediaRecorderChunks(8);
    const partial = await outputPath('partial.webm');
    await writeFile(partial, Buffer.concat(chunks.slice(0, 5)));
    const answer = await remuxAnswer(partial, await outputPath('answer'));
    expect((await probeMedia(answer.file)).durationSeconds).toBeGreaterThan(3.5);
    expect((await probeMedia(answer.file)).durationSeconds).toBeLessThan(5.5);
  });

  it("turns Chromium's H.264 Matroska into a playable MP4 without re-encoding", async () => {
    const answer = await remuxAnswer(await chromiumH264Matroska(6), await outputPath('answer'));
    expect(answer.container).toEqual({ format: 'mp4', extension: 'mp4', contentType: 'video/mp4' });
    expect((await probeMedia(answer.file))).toMatchObject({ formatName: 'mov,mp4,m4a,3gp,3g2,mj2', videoCodec: 'h264', audioCodec: 'opus', width: 640 });
    expect(Math.abs((await probeMedia(answer.file)).durationSeconds! - 6)).toBeLessThan(0.5);
    expect(await decodeErrors(answer.file)).toBe('');
  });

  it.each(['aac', 'opus'] as const)('turns a fragmented H.264 + %s MP4 into a plain MP4', async (audio) => {
    const answer = await remuxAnswer(await recorderMp4(6, audio), await outputPath('answer'));
    expect(answer.container.extension).toBe('mp4');
    expect((await probeMedia(answer.file))).toMatchObject({ videoCodec: 'h264', audioCodec: audio });
    expect(Math.abs((await probeMedia(answer.file)).durationSeconds! - 6)).toBeLessThan(0.5);
    expect(await decodeErrors(answer.file)).toBe('');
  });

  it('keeps the presentation order of H.264 with B-frames and every frame when it remuxes into MP4', async () => {
    const source = await bFramesMp4(4);
    const answer = await remuxAnswer(source, await outputPath('answer'), { container: answerContainerForMimeType('video/mp4;codecs=avc1,mp4a.40.2') });
    expect(answer.container.extension).toBe('mp4');
    const video = async (file: string) => {
      const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=nb_read_frames:packet=pts,dts', '-of', 'json', file]);
      const parsed = JSON.parse(stdout) as { streams: { nb_read_frames: string }[]; packets: { pts: number; dts: number }[] };
      return { frames: Number(parsed.streams[0]!.nb_read_frames), reordered: parsed.packets.filter((p) => p.pts !== p.dts).length };
    };
    const [before, after] = [await video(source), await video(answer.file)];
    // The fixture has frames shown in another order than decoded; the answer shows them so too, and all of them.
    expect(before.reordered).toBeGreaterThan(0);
    expect(after.reordered).toBeGreaterThan(0);
    expect(after.frames).toBe(before.frames);
    expect(await decodeErrors(answer.file)).toBe('');
  });

  it('fails on bytes that are no media, with ffprobe stderr in the message', async () => {
    const base = await outputPath('answer');
    const error = await remuxAnswer(await garbageFile(), base).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaProcessingError);
    const failure = error as MediaProcessingError;
    expect(failure.message).toMatch(/^probe media failed: ffprobe exited with code 1\n/);
    expect(failure.message).toContain('Invalid data found when processing input');
    expect(failure.stderr).toContain('Invalid data found');
    expect(await exists(`${base}.webm`)).toBe(false);
  });

  it('applies its time limit to every process it runs', async () => {
    const error = await remuxAnswer(await mediaRecorderWebm(8), await outputPath('answer'), { timeoutMs: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaProcessingError);
    expect(error).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect((error as Error).message).toContain('was killed after running longer than 5 ms');
  });
});

describe('runFfmpeg', () => {
  // An endless test signal encoded to nowhere: ffmpeg would never stop on its own.
  const endless = () => ffmpegCommand('testsrc=size=64x64:rate=10').inputOptions('-re', '-f', 'lavfi').format('null').output('-');

  it('kills a process that outlives its time limit and waits until it is gone', async () => {
    const started = Date.now();
    const error = await runFfmpeg('endless encode', endless(), { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toMatchObject({ name: 'MediaProcessingError', timedOut: true, signal: 'SIGKILL', exitCode: null });
  });

  it('kills a process when its signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const error = await runFfmpeg('endless encode', endless(), { timeoutMs: 30_000, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ timedOut: false, signal: 'SIGKILL' });
    expect((error as Error).message).toContain('aborted');
  });
});

describe('answerContainerForMimeType', () => {
  it.each([
    ['video/webm;codecs=vp8,opus', 'webm', 'video/webm'],
    ['video/webm;codecs="vp9,opus"', 'webm', 'video/webm'],
    ['video/webm; codecs=av01.0.04M.08, opus', 'webm', 'video/webm'],
    ['video/webm', 'webm', 'video/webm'],
    ['audio/webm;codecs=opus', 'webm', 'audio/webm'],
    ['video/mp4;codecs=avc1.42E01E,mp4a.40.2', 'mp4', 'video/mp4'],
    ['video/mp4;codecs=avc1,opus', 'mp4', 'video/mp4'],
    ['video/mp4', 'mp4', 'video/mp4'],
    ['video/x-matroska;codecs=avc1,opus', 'mp4', 'video/mp4'],
    ['video/webm;codecs=h264', 'mp4', 'video/mp4'],
  ])('%s → %s', (mimeType, extension, contentType) => {
    expect(answerContainerForMimeType(mimeType)).toMatchObject({ extension, contentType });
  });

  it.each(['video/x-matroska', 'video/webm;codecs=theora', 'video/quicktime', 'application/octet-stream'])('%s is left to a probe', (mimeType) => {
    expect(answerContainerForMimeType(mimeType)).toBeUndefined();
  });
});

describe('extractThumbnail', () => {
  async function expectJpeg(file: string, width: number, height: number) {
    const bytes = await readFile(file);
    expect(bytes.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))).toBe(true);
    expect(bytes.subarray(-2).equals(Buffer.from([0xff, 0xd9]))).toBe(true);
    expect(await probeMedia(file)).toMatchObject({ videoCodec: 'mjpeg', width, height, hasAudio: false });
  }

  it('writes a JPEG of the requested width, keeping the aspect ratio', async () => {
    const answer = await remuxAnswer(await mediaRecorderWebm(8), await outputPath('answer'));
    const jpeg = await outputPath('thumb.jpg');
    const probe = await probeMedia(answer.file);
    const result = await extractThumbnail(answer.file, jpeg, { atSeconds: 2, width: 320, durationSeconds: probe.durationSeconds });
    expect(result.atSeconds).toBe(2);
    // What ffmpeg said of its input: the file's own duration and frame size, as ffprobe reads them.
    expect(Math.abs(result.source.durationSeconds! - probe.durationSeconds!)).toBeLessThan(0.02);
    expect(result.source).toMatchObject({ width: 640, height: 480 });
    await expectJpeg(jpeg, 320, 240);
  });

  it('does not scale a small video up', async () => {
    const jpeg = await outputPath('thumb.jpg');
    await extractThumbnail(await seekableWebm(5), jpeg, { atSeconds: 1, width: 1280 });
    await expectJpeg(jpeg, 640, 480);
  });

  it('still finds a frame in a 0.5 s answer when asked for a later moment', async () => {
    const answer = await remuxAnswer(await mediaRecorderWebm(0.5), await outputPath('short'));
    const jpeg = await outputPath('thumb.jpg');
    const result = await extractThumbnail(answer.file, jpeg, { atSeconds: 3 });
    expect(result.atSeconds).toBeLessThan(0.5);
    await expectJpeg(jpeg, 640, 480);
  });

  it('falls back to the first frame when a file without duration ends before the seek point', async () => {
    const jpeg = await outputPath('thumb.jpg');
    const result = await extractThumbnail(await mediaRecorderWebm(8), jpeg, { atSeconds: 60, width: 160 });
    expect(result.atSeconds).toBe(0);
    await expectJpeg(jpeg, 160, 120);
  });

  it('fails on a file without video and leaves no output', async () => {
    const jpeg = await outputPath('thumb.jpg');
    await expect(extractThumbnail(await garbageFile(), jpeg, { atSeconds: 1 })).rejects.toBeInstanceOf(MediaProcessingError);
    expect(await exists(jpeg)).toBe(false);
  });
});
