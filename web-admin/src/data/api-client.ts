// The one place the admin app talks HTTP: session cookie, X-CSRF-Token on changes, errors as ApiError.

export interface FieldError {
  path: string;
  message: string;
}

/** An error answer of the API ({ error: { code, message, fields? } }), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }

  /** The message for one field path (e.g. "questions.0.title"), if the server named it. */
  fieldMessage(path: string): string | undefined {
    return this.fields.find((f) => f.path === path)?.message;
  }
}

/** Fired on window when the session ended (401 on a request that needed it), so the app can show the login. */
export const SESSION_ENDED_EVENT = 'admin-session-ended';

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export interface RequestOptions {
  /** A raw text body with this content type instead of JSON. */
  contentType?: string;
  query?: Record<string, string | number | boolean | null | undefined>;
  /** A 401 is expected (the login form, the session probe): do not announce the session ended. */
  quietUnauthenticated?: boolean;
}

export function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (body !== undefined) {
    if (options.contentType) {
      headers['content-type'] = options.contentType;
      payload = body as BodyInit;
    } else {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
  }
  let res: Response;
  try {
    res = await fetch(`/api${withQuery(path, options.query)}`, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: handled below
  }
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; fields?: FieldError[] } } | undefined)?.error;
    const apiError = new ApiError(res.status, error?.code ?? 'http_error', error?.message ?? `The server answered ${res.status}`, error?.fields ?? []);
    if (res.status === 401 && !options.quietUnauthenticated) window.dispatchEvent(new CustomEvent(SESSION_ENDED_EVENT));
    throw apiError;
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body: unknown = {}, options?: RequestOptions) => request<T>('POST', path, body, options),
  put: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PUT', path, body, options),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PATCH', path, body, options),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, undefined, options),
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A readable message for any error a data call threw. */
/**
 * What a form's alert says about a refusal whose field messages are shown beside the fields `isShown` accepts:
 * a pointer to those, then each message no field shows (else the person is told to fix something nothing marks).
 */
export function alertLines(error: ApiError | string, isShown: (path: string) => boolean, label = (path: string) => path): string[] {
  if (!(error instanceof ApiError) || !error.fields.length) return [errorMessage(error)];
  const unplaced = error.fields.filter((f) => !isShown(f.path));
  return [...(unplaced.length < error.fields.length ? ['Please fix the highlighted fields.'] : []), ...unplaced.map((f) => `${label(f.path)}: ${f.message}`)];
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'validation_failed' && error.fields.length) return error.fields.map((f) => `${f.path}: ${f.message}`).join('; ');
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
