import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every error the API can answer with: a stable code and its HTTP status. */
export const errorStatus = {
  validation_failed: 400,
  invalid_csv: 400,
  invalid_json: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  invalid_api_key: 401,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  position_not_found: 404,
  interview_not_found: 404,
  link_not_found: 404,
  answer_not_found: 404,
  question_not_found: 404,
  question_not_current: 409,
  already_invited: 409,
  external_id_taken: 409,
  email_taken: 409,
  already_member: 409,
  setup_done: 409,
  interview_locked: 409,
  invalid_state: 409,
  last_owner: 409,
  answer_submitted: 409,
  take_replaced: 409,
  no_retakes_left: 409,
  missing_chunks: 409,
  chunk_conflict: 409,
  answer_not_failed: 409,
  answer_processing: 409,
  position_changed: 409,
  webhook_inactive: 409,
  range_not_satisfiable: 416,
  invitation_expired: 410,
  invitation_cancelled: 410,
  invitation_completed: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: { fields?: FieldError[]; [key: string]: unknown },
  ) {
    super(message);
  }

  get status(): ContentfulStatusCode {
    return errorStatus[this.code];
  }

  toBody() {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

export const notFound = (what = 'Resource') => new AppError('not_found', `${what} not found`);
export const forbidden = (message = 'You do not have permission to do this') => new AppError('forbidden', message);
export const validationFailed = (fields: FieldError[], message = 'The request is not valid') =>
  new AppError('validation_failed', message, { fields });
