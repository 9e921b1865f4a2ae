import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Real media made by ffmpeg once per test file (or process), in a temp dir removeMediaFixtures() deletes.

export type FixtureQuality = 'standard' | 'small';

const qualities: Record<FixtureQuality, { size: string; fps: number; bitrate: string }> = {
  standard: { size: '640x480', fps: 30, bitrate: '1M' },
  // For long recordings (10 minutes) that should still be made in seconds.
  small: { size: '320x240', fps: 15, bitrate: '150k' },
};

let fixtureDir: Promise<string> | undefined;
const fixtures = new Map<string, Promise<string>>();

function dir(): Promise<string> {
  fixtureDir ??= mkdtemp(path.join(tmpdir(), 'media-fixtures-')).then((created) => {
    // Fallback for scripts; vitest workers may end without an 'exit' event, so tests call removeMediaFixtures.
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
    return created;
  });
  return fixtureDir;
}

function cached(name: string, make: (file: string) => Promise<void>): Promise<string> {
  let fixture = fixtures.get(name);
  if (!fixture) {
    fixture = dir().then(async (d) => {
      const file = path.join(d, name);
      await make(file);
      return file;
    });
    fixtures.set(name, fixture);
  }
  return fixture;
}

/** With `stdoutFile`, output goes through `pipe:1`: the muxer cannot seek back, so no duration or cues, like MediaRecorder. */
function ffmpeg(args: string[], stdoutFile?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    if (!stdoutFile) child.stdout.resume();
    const written = stdoutFile
      ? new Promise<void>((done, failed) => child.stdout.pipe(createWriteStream(stdoutFile)).on('finish', done).on('error', failed))
      : Promise.resolve();
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`fixture ffmpeg exited with ${code}: ${stderr}`));
      written.then(resolve, reject);
    });
  });
}

function testSignal(seconds: number, quality: FixtureQuality): string[] {
  const { size, fps } = qualities[quality];
  return [
    '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${fps}:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
  ];
}

function vp8Opus(quality: FixtureQuality): string[] {
  const { fps, bitrate } = qualities[quality];
  return ['-c:v', 'libvpx', '-b:v', bitrate, '-deadline', 'realtime', '-cpu-used', '8', '-g', String(fps * 3), '-c:a', 'libopus', '-shortest'];
}

function h264(quality: FixtureQuality): string[] {
  const { fps, bitrate } = qualities[quality];
  return ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-b:v', bitrate, '-g', String(fps * 3)];
}

/** A finished WebM (VP8 + Opus) with duration and cues, as ffmpeg writes it to a file. */
export function seekableWebm(seconds: number, quality: FixtureQuality = 'standard'): Promise<string> {
  return cached(`seekable-${quality}-${seconds}s.webm`, (file) =>
    ffmpeg([...testSignal(seconds, quality), ...vp8Opus(quality), '-f', 'webm', file]));
}

/** A WebM (VP8 + Opus) as MediaRecorder delivers it: no duration, no cues. */
export function mediaRecorderWebm(seconds: number, quality: FixtureQuality = 'standard'): Promise<string> {
  return cached(`recorder-${quality}-${seconds}s.webm`, (file) =>
    ffmpeg([...testSignal(seconds, quality), ...vp8Opus(quality), '-f', 'webm', 'pipe:1'], file));
}

/** mediaRecorderWebm cut into about one piece per second: MediaRecorder's timeslice chunks are consecutive byte ranges like these. */
export async function mediaRecorderChunks(seconds: number): Promise<Buffer[]> {
  const whole = await readFile(await mediaRecorderWebm(seconds));
  const pieceSize = Math.ceil(whole.byteLength / seconds);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < whole.byteLength; offset += pieceSize) chunks.push(whole.subarray(offset, offset + pieceSize));
  return chunks;
}

/** Chromium's `video/x-matroska;codecs=avc1,opus` recording: H.264 + Opus in Matroska without duration. */
export function chromiumH264Matroska(seconds: number, quality: FixtureQuality = 'standard'): Promise<string> {
  return cached(`chromium-h264-${quality}-${seconds}s.mkv`, (file) =>
    ffmpeg([...testSignal(seconds, quality), ...h264(quality), '-c:a', 'libopus', '-shortest', '-f', 'matroska', 'pipe:1'], file));
}

/** A fragmented MP4 as MediaRecorder writes it: H.264 with AAC (Safari) or Opus (Chromium's `video/mp4;codecs=avc1,opus`). */
export function recorderMp4(seconds: number, audio: 'aac' | 'opus'): Promise<string> {
  return cached(`recorder-h264-${audio}-${seconds}s.mp4`, (file) =>
    ffmpeg([
      ...testSignal(seconds, 'standard'), ...h264('standard'),
      '-c:a', audio === 'aac' ? 'aac' : 'libopus', '-shortest',
      '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', 'pipe:1',
    ], file));
}

/** A fragmented MP4 whose H.264 has B-frames (presentation order differs from decoding order), with AAC. */
export function bFramesMp4(seconds: number): Promise<string> {
  return cached(`b-frames-h264-${seconds}s.mp4`, (file) =>
    ffmpeg([
      ...testSignal(seconds, 'small'),
      '-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '2', '-pix_fmt', 'yuv420p', '-g', '30',
      '-c:a', 'aac', '-shortest',
      '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', 'pipe:1',
    ], file));
}

/** Bytes that are no media format at all. */
export function garbageFile(): Promise<string> {
  return cached('garbage.webm', (file) => writeFile(file, randomBytes(64 * 1024)));
}

/** Deletes every fixture and output made so far; for afterAll. */
export async function removeMediaFixtures(): Promise<void> {
  const created = fixtureDir;
  fixtureDir = undefined;
  fixtures.clear();
  if (created) await rm(await created, { recursive: true, force: true });
}

/** A fresh path in the fixture dir for a test's output. */
export async function outputPath(name: string): Promise<string> {
  return path.join(await dir(), `${randomBytes(6).toString('hex')}-${name}`);
}
