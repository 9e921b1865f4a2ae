import { rm } from 'node:fs/promises';
import { ffmpegCommand, MediaProcessingError, runFfmpeg, type MediaToolOptions } from './ffmpeg.ts';
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
  /** Probe of the remuxed file, so durationSeconds is known. */
  probe: MediaProbe;
}

const webmVideo = new Set(['vp8', 'vp9', 'av1']);
const webmAudio = new Set(['opus', 'vorbis']);
const mp4Video = new Set(['h264', 'hevc']);
// ffmpeg 5.1 writes Opus in MP4 without -strict; Chromium records `video/mp4;codecs=avc1,opus` itself.
const mp4Audio = new Set(['aac', 'mp3', 'opus']);

const defaultRemuxTimeoutMs = 5 * 60_000;

function fits(codec: string | null, allowed: Set<string>): boolean {
  return codec === null || allowed.has(codec);
}

/** WebM for VP8/VP9/AV1 (Chromium, Firefox), MP4 for H.264 (Safari, Chromium's Matroska H.264), else Matroska. */
export function answerContainerFor(probe: MediaProbe): AnswerContainer {
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

/** Stream-copies a MediaRecorder recording into `${outputBase}.${extension}`, now with duration and seek index. */
export async function remuxAnswer(inputFile: string, outputBase: string, options: MediaToolOptions = {}): Promise<RemuxedAnswer> {
  const toolOptions = { timeoutMs: defaultRemuxTimeoutMs, ...options };
  const container = answerContainerFor(await probeMedia(inputFile, toolOptions));
  const file = `${outputBase}.${container.extension}`;
  try {
    await runFfmpeg('remux answer', ffmpegCommand(inputFile)
      // MediaRecorder chunks can lack timestamps on some packets; genpts fills them in.
      .inputOptions('-fflags', '+genpts')
      .outputOptions(
        '-map', '0:v:0?', '-map', '0:a:0?',
        '-c', 'copy',
        // Moves the MP4 index to the front so playback can start before the whole file arrives.
        ...(container.format === 'mp4' ? ['-movflags', '+faststart'] : []),
      )
      .format(container.format)
      .output(file), toolOptions);
    const probe = await probeMedia(file, toolOptions);
    if (probe.durationSeconds === null) {
      throw new MediaProcessingError({ operation: 'remux answer', tool: 'ffmpeg', reason: 'wrote a file without a duration' });
    }
    return { file, container, probe };
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
}
