// Which container and codecs MediaRecorder should write: WebM where the browser can (Chrome, Firefox,
// Edge), MP4 for Safari. The server remuxes either into a finished file.

export const recordingTypesByPreference = [
  'video/webm;codecs=vp9,opus',
  'video/webm;codecs=vp8,opus',
  'video/webm',
  'video/mp4;codecs=avc1,mp4a.40.2',
  'video/mp4',
] as const;

/** The first type this browser can record, or null when it cannot record video at all. */
export function chooseRecordingType(isTypeSupported: (type: string) => boolean = defaultSupport): string | null {
  return recordingTypesByPreference.find((type) => isTypeSupported(type)) ?? null;
}

function defaultSupport(type: string): boolean {
  return typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(type);
}

/** Bits per second asked of the recorder: clear enough to see a face, well under the server's limit. */
export function recordingBitrates(bytesPerSecondLimit: number): { videoBitsPerSecond: number; audioBitsPerSecond: number } {
  const audioBitsPerSecond = 64_000;
  const budget = Math.floor(bytesPerSecondLimit * 8 * 0.5);
  return { videoBitsPerSecond: Math.max(250_000, Math.min(1_500_000, budget - audioBitsPerSecond)), audioBitsPerSecond };
}
