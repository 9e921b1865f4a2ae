// Typed client for the candidate API (docs/candidate-api.md). Everything is addressed by the link's token.
import { parseRetryAfter } from '../../../server/shared/retry-after.ts';

export type InterviewStatus = 'pending' | 'in_progress' | 'completed' | 'expired' | 'cancelled';

export interface OpenTake {
  answerId: string;
  take: number;
  mimeType: string;
  receivedChunks: number[];
  bytesReceived: number;
  /** Seconds since the server received its last piece; null before the first. */
  lastChunkSecondsAgo: number | null;
}

export interface InterviewQuestion {
  id: string;
  index: number;
  /** Empty until the question is opened (the server hands out a question's text when its turn comes). */
  title: string;
  description: string | null;
  opened: boolean;
  thinkTimeSeconds: number;
  /** Once opened, the think time left by the server's clock: a reload resumes it instead of starting it again. */
  thinkTimeLeftSeconds: number | null;
  maxAnswerSeconds: number;
  retakes: number;
  takesUsed: number;
  answered: boolean;
  openTake: OpenTake | null;
}

const received = (interview: CandidateInterview): CandidateInterview => ({ ...interview, receivedAt: performance.now() });

/** Milliseconds left until the interview's deadline now (null: none), counted from the server's figure, not this device's clock. */
export function msUntilDeadline(interview: CandidateInterview): number | null {
  if (interview.expiresInSeconds === null || interview.expiresInSeconds === undefined) return null;
  return interview.expiresInSeconds * 1000 - (performance.now() - (interview.receivedAt ?? performance.now()));
}

export interface UploadLimits {
  maxChunkBytes: number;
  bytesPerSecond: number;
}

export interface CandidateInterview {
  status: InterviewStatus;
  submitted: boolean;
  candidateFirstName: string;
  position: { name: string; introMessage: string };
  expiresAt: number | null;
  /** Seconds left until the deadline by the server's clock, when this view was received (see receivedAt). */
  expiresInSeconds: number | null;
  /** performance.now() when this view arrived (set here, not by the server). */
  receivedAt?: number;
  questions: InterviewQuestion[];
  limits: UploadLimits;
}

export interface StartedTake {
  answerId: string;
  take: number;
  takesLeft: number;
}

export interface ChunkReceipt {
  seq: number;
  size: number;
  duplicate: boolean;
}

export interface HeldChunks {
  receivedChunks: number[];
  bytesReceived: number;
  status: string;
}

export type CandidateErrorCode =
  | 'link_not_found'
  | 'invitation_expired'
  | 'invitation_cancelled'
  | 'invitation_completed'
  | 'answer_not_found'
  | 'answer_submitted'
  | 'take_replaced'
  | 'no_retakes_left'
  | 'missing_chunks'
  | 'payload_too_large'
  | 'chunk_conflict'
  | (string & {});

/** The server answered with an error body (or an unreadable one). */
export class CandidateApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: CandidateErrorCode,
    message: string,
    readonly missing: number[] = [],
    /** How long the server asked to be left alone before this is tried again (Retry-After), if it said. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'CandidateApiError';
  }

  /** Worth trying again later: the server or something on the way failed, not the request. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }

  /** The interview can no longer be taken (unknown link, expired, cancelled, completed). */
  get closesInterview(): boolean {
    return this.code === 'link_not_found' || this.status === 410;
  }
}

/** The request never got an HTTP answer: offline, connection reset, server restarting, timeout. */
export class NetworkError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof NetworkError || (error instanceof CandidateApiError && error.retryable);
}

/** `/i/<token>` → token; null on any other path. */
export function tokenFromPath(pathname: string): string | null {
  const match = /^\/i\/([^/?#]+)\/?$/.exec(pathname);
  return match ? decodeURIComponent(match[1]) : null;
}

const jsonTimeoutMs = 20_000;
const chunkTimeoutMs = 90_000;

export class CandidateApi {
  private readonly base: string;

  constructor(
    readonly token: string,
    origin = '',
  ) {
    this.base = `${origin}/api/candidate/${encodeURIComponent(token)}`;
  }

  getInterview(): Promise<CandidateInterview> {
    return this.request<CandidateInterview>('GET', '').then(received);
  }

  start(): Promise<CandidateInterview> {
    return this.request<CandidateInterview>('POST', '/start', {}).then(received);
  }

  /** Its turn has come: the server hands out its text and starts its think time (once). */
  openQuestion(questionId: string): Promise<CandidateInterview> {
    return this.request<CandidateInterview>('POST', `/questions/${encodeURIComponent(questionId)}/open`, {}).then(received);
  }

  /** `replacesAnswerId`: the take this device recorded and now records again (never handed back as the new one). */
  startTake(questionId: string, mimeType: string, replacesAnswerId?: string): Promise<StartedTake> {
    return this.request('POST', `/questions/${encodeURIComponent(questionId)}/takes`, { mimeType, replacesAnswerId });
  }

  putChunk(answerId: string, seq: number, body: Blob): Promise<ChunkReceipt> {
    return this.request('PUT', `/answers/${encodeURIComponent(answerId)}/chunks/${seq}`, body, chunkTimeoutMs);
  }

  heldChunks(answerId: string): Promise<HeldChunks> {
    return this.request('GET', `/answers/${encodeURIComponent(answerId)}/chunks`);
  }

  submit(answerId: string, chunkCount: number, recordedMs: number): Promise<CandidateInterview> {
    return this.request<CandidateInterview>('POST', `/answers/${encodeURIComponent(answerId)}/submit`, { chunkCount, recordedMs: Math.round(recordedMs) }).then(received);
  }

  private async request<T>(method: string, path: string, body?: unknown, timeoutMs = jsonTimeoutMs): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    let payload: BodyInit | undefined;
    if (body instanceof Blob) {
      payload = body;
      headers['content-type'] = 'application/octet-stream';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        body: payload,
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new NetworkError(`${method} ${path || '/'} got no answer`, { cause: error });
    }
    let parsed: any = null;
    try {
      const text = await res.text();
      parsed = text ? JSON.parse(text) : null;
    } catch (error) {
      // A body cut off mid-way is a network failure; a non-JSON error page is an HTTP error.
      if (res.ok) throw new NetworkError(`${method} ${path || '/'} answer could not be read`, { cause: error });
    }
    if (!res.ok) {
      const err = parsed?.error;
      const missing = Array.isArray(err?.missing) ? err.missing : Array.isArray(parsed?.missing) ? parsed.missing : [];
      throw new CandidateApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? `HTTP ${res.status}`, missing, parseRetryAfter(res.headers.get('retry-after'), Date.now()));
    }
    return parsed as T;
  }
}
