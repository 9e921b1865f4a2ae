import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { ApiKeyService } from '../api-keys/api-key.service.ts';
import { csrfMatches, type AuthService } from '../auth/auth.service.ts';
import { AppError } from '../shared/errors.ts';
import type { AppEnv } from './actor.ts';

export const SESSION_COOKIE = 'owi_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reads the API key or the session cookie; routes then ask for the actor they need. */
export function authenticate(auth: AuthService, apiKeys: ApiKeyService): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const headerKey = c.req.header('x-api-key') ?? c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (headerKey !== undefined) {
      const key = await apiKeys.authenticate(headerKey.trim());
      if (!key) throw new AppError('invalid_api_key', 'The API key is not valid or has been revoked');
      c.set('actor', { kind: 'api_key', apiKeyId: key.apiKeyId, workspaceId: key.workspaceId, role: 'admin', userId: null });
      return next();
    }
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const session = await auth.authenticate(token);
      if (session) {
        // Cookies ride along on cross-site requests; a custom header cannot, so it proves the page is ours.
        // Public routes (login, accepting an invitation) still work; routes that need the member refuse.
        if (!SAFE_METHODS.has(c.req.method) && !csrfMatches(session.csrfToken, c.req.header('x-csrf-token'))) c.set('csrfFailed', true);
        else c.set('actor', { kind: 'member', ...session });
      }
    }
    return next();
  };
}
