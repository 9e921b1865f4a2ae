import { rm, stat } from 'node:fs/promises';
import { ffmpegCommand, MediaProcessingError, runFfmpeg, type MediaToolOptions } from './ffmpeg.ts';
import { probeMedia } from './media-probe.ts';

export interface ThumbnailOptions extends MediaToolOptions {
  atSeconds: number;
  /** Output width in pixels; smaller videos are not scaled up. Default 640. */
  width?: number;
  /** Skips a probe when the caller knows it already (e.g. from remuxAnswer). */
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

/** One JPEG frame from about `atSeconds`; `-ss` before `-i` jumps via the index instead of decoding from the start. */
export async function extractThumbnail(inputFile: string, outputJpeg: string, options: ThumbnailOptions): Promise<{ atSeconds: number }> {
  const { atSeconds, width = 640, durationSeconds, ...rest } = options;
  const toolOptions = { timeoutMs: defaultThumbnailTimeoutMs, ...rest };
  const duration = durationSeconds !== undefined ? durationSeconds : (await probeMedia(inputFile, toolOptions)).durationSeconds;
  const grab = (at: number) => runFfmpeg('extract thumbnail', ffmpegCommand(inputFile)
    .seekInput(at.toFixed(3))
    .outputOptions('-map', '0:v:0', '-frames:v', '1', '-vf', `scale='min(${width},iw)':-2`, '-q:v', '3', '-update', '1')
    .format('image2')
    .output(outputJpeg), toolOptions);

  try {
    await rm(outputJpeg, { force: true });
    let at = seekPosition(atSeconds, duration);
    await grab(at);
    // ffmpeg exits 0 without writing when the seek lands after the last frame (no duration, or a sparse tail).
    if (!(await nonEmptyFile(outputJpeg)) && at > 0) {
      at = 0;
      await grab(at);
    }
    if (!(await nonEmptyFile(outputJpeg))) {
      throw new MediaProcessingError({ operation: 'extract thumbnail', tool: 'ffmpeg', reason: 'decoded no video frame' });
    }
    return { atSeconds: at };
  } catch (error) {
    await rm(outputJpeg, { force: true });
    throw error;
  }
}
