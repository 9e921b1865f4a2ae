import { MediaProcessingError, runFfprobe, type MediaSource, type MediaToolOptions } from './ffmpeg.ts';

export interface MediaProbe {
  /** ffprobe's demuxer name, e.g. 'matroska,webm' or 'mov,mp4,m4a,3gp,3g2,mj2'. */
  formatName: string;
  /** Null when the container does not say, as in a MediaRecorder WebM before remuxing. */
  durationSeconds: number | null;
  hasVideo: boolean;
  hasAudio: boolean;
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
}

interface FfprobeOutput {
  format?: { format_name?: string; duration?: string };
  streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number; disposition?: { attached_pic?: number } }[];
}

const defaultProbeTimeoutMs = 30_000;

/** ffprobe's view of a file, or of a stream read from its start (which has no duration unless the start says it). */
export async function probeMedia(source: MediaSource, options: MediaToolOptions = {}): Promise<MediaProbe> {
  const operation = 'probe media';
  const stdout = await runFfprobe(operation, [
    '-hide_banner', '-loglevel', 'error',
    '-print_format', 'json', '-show_format', '-show_streams',
    typeof source === 'string' ? source : 'pipe:0',
  ], { timeoutMs: defaultProbeTimeoutMs, ...options, stdin: typeof source === 'string' ? undefined : source() });

  let output: FfprobeOutput;
  try {
    output = JSON.parse(stdout) as FfprobeOutput;
  } catch (error) {
    throw new MediaProcessingError({ operation, tool: 'ffprobe', reason: 'printed output that is not JSON', stderr: stdout, cause: error });
  }
  // Cover art in MP4/Matroska shows up as a one-frame video stream; it is not the recording.
  const video = output.streams?.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audio = output.streams?.find((s) => s.codec_type === 'audio');
  const duration = Number(output.format?.duration);
  return {
    formatName: output.format?.format_name ?? 'unknown',
    durationSeconds: Number.isFinite(duration) ? duration : null,
    hasVideo: video !== undefined,
    hasAudio: audio !== undefined,
    videoCodec: video?.codec_name ?? null,
    audioCodec: audio?.codec_name ?? null,
    width: video?.width ?? null,
    height: video?.height ?? null,
  };
}
