import { rm, stat } from 'node:fs/promises';
import { ffmpegCommand, MediaProcessingError, runFfmpeg, type MediaToolOptions } from './ffmpeg.ts';

export interface ThumbnailOptions extends MediaToolOptions {
  atSeconds: number;
  /** Output width in pixels; smaller videos are not scaled up. Default 640. */
  width?: number;
  /** When known, a seek past the end goes to the middle instead; otherwise such a seek falls back to the first frame. */
  durationSeconds?: number | null;
}

const defaultThumbnailTimeoutMs = 60_000;

async function nonEmptyFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
}

/** Seek past the end falls back to the middle, so a 0.5 s answer still gets a thumbnail. */
function seekPosition(atSeconds: number, durationSeconds: number | null): number {
  const at = Math.max(0, atSeconds);
  return durationSeconds !== null && at >= durationSeconds ? durationSeconds / 2 : at;
}

/** What ffmpeg said of the file it took the thumbnail from (its duration finds the middle after a seek past the end). */
export interface ThumbnailSource {
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
}

export interface Thumbnail {
  atSeconds: number;
  source: ThumbnailSource;
}

/** fluent-ffmpeg's codecData: `duration` like '00:02:00.02' or 'N/A', `video_details` like ['vp8', 'yuv420p(…)', '640x480', …]. */
function sourceFrom(codecData: { duration?: string; video_details?: string[] } | undefined): ThumbnailSource {
  const time = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(codecData?.duration?.trim() ?? '');
  const size = codecData?.video_details?.map((d) => /^(\d+)x(\d+)\b/.exec(d.trim())).find(Boolean);
  return {
    durationSeconds: time ? Number(time[1]) * 3600 + Number(time[2]) * 60 + Number(time[3]) : null,
    width: size ? Number(size[1]) : null,
    height: size ? Number(size[2]) : null,
  };
}

/**
 * One JPEG frame from about `atSeconds`; `-ss` before `-i` jumps via the index instead of decoding from the
 * start. Also reports the file's duration and frame size, read from ffmpeg's description of its input.
 */
export async function extractThumbnail(inputFile: string, outputJpeg: string, options: ThumbnailOptions): Promise<Thumbnail> {
  const { atSeconds, width = 640, durationSeconds, ...rest } = options;
  const toolOptions = { timeoutMs: defaultThumbnailTimeoutMs, ...rest };
  let source: ThumbnailSource | undefined;
  const grab = (at: number) => {
    const command = ffmpegCommand(inputFile, { loglevel: 'info' })
      .seekInput(at.toFixed(3))
      .outputOptions('-map', '0:v:0', '-frames:v', '1', '-vf', `scale='min(${width},iw)':-2`, '-q:v', '3', '-update', '1')
      .format('image2')
      .output(outputJpeg);
    command.on('codecData', (data) => (source = sourceFrom(data)));
    return runFfmpeg('extract thumbnail', command, toolOptions);
  };

  try {
    await rm(outputJpeg, { force: true });
    // Without a known duration, a seek past the end writes nothing, and the retry below takes the first frame.
    let at = seekPosition(atSeconds, durationSeconds ?? null);
    await grab(at);
    // ffmpeg exits 0 without writing when the seek lands after the last frame (no duration, or a sparse tail).
    if (!(await nonEmptyFile(outputJpeg)) && at > 0) {
      // Past the end: the middle once the duration is known, else the first frame.
      const middle = source?.durationSeconds ? source.durationSeconds / 2 : 0;
      at = middle < at ? middle : 0;
      await grab(at);
    }
    if (!(await nonEmptyFile(outputJpeg))) {
      throw new MediaProcessingError({ operation: 'extract thumbnail', tool: 'ffmpeg', reason: 'decoded no video frame' });
    }
    return { atSeconds: at, source: source ?? { durationSeconds: null, width: null, height: null } };
  } catch (error) {
    await rm(outputJpeg, { force: true });
    throw error;
  }
}
