import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../shared/errors.ts';
import { requestBodyStream } from './request-body.ts';

/**
 * Refuses bodies over `maxBytes` with 413. A declared length over the limit is refused before reading,
 * while the rest is drained, so the client receives the 413 instead of a reset connection.
 */
export function limitRequestBody(maxBytes: number): MiddlewareHandler {
  const limit = maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MiB` : `${Math.round(maxBytes / 1024)} KiB`;
  const tooLarge = () => new AppError('payload_too_large', `The request body is larger than ${limit}`);
  const streamed = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge();
    },
  });
  return async (c, next) => {
    if (Number(c.req.header('content-length') ?? 0) > maxBytes) {
      requestBodyStream(c.req.raw.body).destroy();
      throw tooLarge();
    }
    return streamed(c, next);
  };
}
