/** One MediaRecorder timeslice (about 1 s) is far below this even at 4K. */
export const MAX_CHUNK_BYTES = 8 * 1024 * 1024;
/** 10 Mbit/s: several times what browsers record a webcam at. */
export const BYTES_PER_SECOND = 1_250_000;

/** The most one take may hold: its time limit plus slack for the last timeslice, at a generous bitrate. */
export const maxTakeBytes = (maxAnswerSeconds: number): number => (maxAnswerSeconds + 10) * BYTES_PER_SECOND + 4 * 1024 * 1024;

/**
 * Where one upload of chunk `seq` is stored. Chunk objects sort in recording order; `upload` makes each upload's
 * object its own, so two uploads of the same chunk at once (a retry while the first is still streaming) never
 * write to, or delete, the object the other one recorded.
 */
export const chunkKey = (interviewId: string, answerId: string, seq: number, upload: string): string =>
  `${answerChunkFolder(interviewId, answerId)}/${String(seq).padStart(6, '0')}-${upload}`;

/**
 * Every object a take's uploads wrote, recorded or not: an upload cut short between its put and its database row
 * (a crash) leaves an object only this folder finds, so a take that is done with removes the whole folder.
 */
export const answerChunkFolder = (interviewId: string, answerId: string): string => `${interviewFolder(interviewId)}/answers/${answerId}/chunks`;

/** Everything stored for an interview: its answers' chunks, media and thumbnails. */
export const interviewFolder = (interviewId: string): string => `interviews/${interviewId}`;

export const answerMediaKey = (interviewId: string, answerId: string, extension: string): string =>
  `${interviewFolder(interviewId)}/answers/${answerId}/answer.${extension}`;

export const answerThumbnailKey = (interviewId: string, answerId: string): string => `${interviewFolder(interviewId)}/answers/${answerId}/thumbnail.jpg`;
