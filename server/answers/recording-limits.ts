/** One MediaRecorder timeslice (about 1 s) is far below this even at 4K. */
export const MAX_CHUNK_BYTES = 8 * 1024 * 1024;
/** 10 Mbit/s: several times what browsers record a webcam at. */
export const BYTES_PER_SECOND = 1_250_000;

/** The most one take may hold: its time limit plus slack for the last timeslice, at a generous bitrate. */
export const maxTakeBytes = (maxAnswerSeconds: number): number => (maxAnswerSeconds + 10) * BYTES_PER_SECOND + 4 * 1024 * 1024;

/** Chunk objects sort in recording order. */
export const chunkKey = (interviewId: string, answerId: string, seq: number): string =>
  `interviews/${interviewId}/answers/${answerId}/chunks/${String(seq).padStart(6, '0')}`;

export const answerMediaKey = (interviewId: string, answerId: string, extension: string): string =>
  `interviews/${interviewId}/answers/${answerId}/answer.${extension}`;

export const answerThumbnailKey = (interviewId: string, answerId: string): string => `interviews/${interviewId}/answers/${answerId}/thumbnail.jpg`;
