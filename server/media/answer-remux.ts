import { rm } from 'node:fs/promises';
import { ffmpegCommand, MediaProcessingError, runFfmpeg, type MediaSource, type MediaToolOptions } from './ffmpeg.ts';
import { probeMedia, type MediaProbe } from './media-probe.ts';

export interface AnswerContainer {
  /** ffmpeg muxer name. */
  format: 'webm' | 'mp4' | 'matroska';
  extension: 'webm' | 'mp4' | 'mkv';
  contentType: string;
}

export interface RemuxedAnswer {
  file: string;
  container: AnswerContainer;
}

export interface RemuxOptions extends MediaToolOptions {
  /** The container when the caller knows it (answerContainerForMimeType); otherwise the recording is probed first. */
  container?: AnswerContainer;
}

const webmVideo = new Set(['vp8', 'vp9', 'av1']);
const webmAudio = new Set(['opus', 'vorbis']);
const mp4Video = new Set(['h264', 'hevc']);
// ffmpeg 5.1 writes Opus in MP4 without -strict; Chromium records `video/mp4;codecs=avc1,opus` itself.
const mp4Audio = new Set(['aac', 'mp3', 'opus']);

const defaultRemuxTimeoutMs = 5 * 60_000;

/**
 * Chromium's MP4 recordings carry no packet durations: ffmpeg's MP4 muxer takes each from the next packet's time and
 * drops the last one of a stream, which has none (a 20 ms Opus packet, say). This gives a packet without a duration
 * the time since the packet before it, so every packet recorded is kept. PTS and DTS are named as they are: left out,
 * ffmpeg 5.1's setts sets both to the decoding time, and H.264 with B-frames would lose frames.
 */
const MP4_PACKET_DURATIONS = 'setts=pts=PTS:dts=DTS:duration=if(DURATION\\,DURATION\\,if(N\\,DTS-PREV_INDTS\\,0))';

function fits(codec: string | null, allowed: Set<string>): boolean {
  return codec === null || allowed.has(codec);
}

type Streams = Pick<MediaProbe, 'hasVideo' | 'hasAudio' | 'videoCodec' | 'audioCodec'>;

/** WebM for VP8/VP9/AV1 (Chromium, Firefox), MP4 for H.264 (Safari, Chromium's Matroska H.264), else Matroska. */
export function answerContainerFor(probe: Streams): AnswerContainer {
  if (!probe.hasVideo && !probe.hasAudio) {
    throw new MediaProcessingError({ operation: 'choose answer container', tool: 'ffprobe', reason: 'found neither video nor audio' });
  }
  const kind = probe.hasVideo ? 'video' : 'audio';
  if (fits(probe.videoCodec, webmVideo) && fits(probe.audioCodec, webmAudio)) {
    return { format: 'webm', extension: 'webm', contentType: `${kind}/webm` };
  }
  if (fits(probe.videoCodec, mp4Video) && fits(probe.audioCodec, mp4Audio)) {
    return { format: 'mp4', extension: 'mp4', contentType: `${kind}/mp4` };
  }
  return { format: 'matroska', extension: 'mkv', contentType: `${kind}/x-matroska` };
}

// MediaRecorder's codec names (RFC 6381 and the short forms browsers accept) → ffprobe's.
const codecNames: [RegExp, 'video' | 'audio', string][] = [
  [/^vp8(\.|$)/, 'video', 'vp8'],
  [/^(vp9|vp09)(\.|$)/, 'video', 'vp9'],
  [/^(av1|av01)(\.|$)/, 'video', 'av1'],
  [/^(avc1|avc3|h264)(\.|$)/, 'video', 'h264'],
  [/^(hev1|hvc1|h265|hevc)(\.|$)/, 'video', 'hevc'],
  [/^opus$/, 'audio', 'opus'],
  [/^vorbis$/, 'audio', 'vorbis'],
  [/^(mp4a|aac)(\.|$)/, 'audio', 'aac'],
];
// What browsers record when the type names no codecs.
const defaultStreams: Record<string, { video: string; audio: string }> = {
  'video/webm': { video: 'vp8', audio: 'opus' },
  'audio/webm': { video: '', audio: 'opus' },
  'video/mp4': { video: 'h264', audio: 'aac' },
  'audio/mp4': { video: '', audio: 'aac' },
};

/**
 * The container for a recording of the MIME type its browser declared (`video/webm;codecs=vp8,opus`), so the
 * finaliser need not probe; undefined when the type does not settle it (then probe). A wrong declaration makes
 * the remux fail, and the caller can retry with a probe.
 */
export function answerContainerForMimeType(mimeType: string): AnswerContainer | undefined {
  const [base = '', ...params] = mimeType.toLowerCase().split(';').map((p) => p.trim());
  const codecsParam = params.find((p) => p.startsWith('codecs='));
  const streams: Streams = { hasVideo: false, hasAudio: false, videoCodec: null, audioCodec: null };
  if (!codecsParam) {
    const defaults = defaultStreams[base];
    if (!defaults) return undefined;
    streams.videoCodec = defaults.video || null;
    streams.audioCodec = defaults.audio;
  } else {
    for (const codec of codecsParam.slice('codecs='.length).replaceAll('"', '').split(',').map((c) => c.trim()).filter(Boolean)) {
      const known = codecNames.find(([pattern]) => pattern.test(codec));
      if (!known) return undefined;
      if (known[1] === 'video') streams.videoCodec = known[2];
      else streams.audioCodec = known[2];
    }
  }
  streams.hasVideo = streams.videoCodec !== null;
  streams.hasAudio = streams.audioCodec !== null;
  if (!streams.hasVideo && !streams.hasAudio) return undefined;
  return answerContainerFor(streams);
}

/**
 * Stream-copies a MediaRecorder recording (a file, or its chunks streamed in order) into
 * `${outputBase}.${extension}`, which then has a duration and a seek index.
 */
export async function remuxAnswer(source: MediaSource, outputBase: string, options: RemuxOptions = {}): Promise<RemuxedAnswer> {
  const { container: known, ...rest } = options;
  const toolOptions = { timeoutMs: defaultRemuxTimeoutMs, ...rest };
  const container = known ?? answerContainerFor(await probeMedia(source, toolOptions));
  const file = `${outputBase}.${container.extension}`;
  try {
    await runFfmpeg('remux answer', ffmpegCommand(source)
      // MediaRecorder chunks can lack timestamps on some packets; genpts fills them in.
      .inputOptions('-fflags', '+genpts')
      .outputOptions(
        '-map', '0:v:0?', '-map', '0:a:0?',
        '-c', 'copy',
        // Moves the MP4 index to the front so playback can start before the whole file arrives.
        ...(container.format === 'mp4' ? ['-movflags', '+faststart', '-bsf', MP4_PACKET_DURATIONS] : []),
      )
      .format(container.format)
      .output(file), toolOptions);
    return { file, container };
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
}
