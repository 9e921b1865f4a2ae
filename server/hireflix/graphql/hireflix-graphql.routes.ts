import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationContext } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/fetch';
import { Hono } from 'hono';
import type { ApiKeyService } from '../../api-keys/api-key.service.ts';
import type { AppEnv } from '../../http/actor.ts';
import { limitRequestBody } from '../../http/body-limit.ts';
import { AppError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { contextForApiKey, type HireflixContext, type HireflixServices } from './context.ts';
import { hireflixResolvers } from './resolvers.ts';
import { buildHireflixSchema } from './schema.ts';

/** Bounds on one request, checked before anything runs. Fragments count as if written out in place. */
export const GRAPHQL_LIMITS = {
  maxDepth: 10,
  /** graphql-armor's static cost (objects 2, scalars 1, ×1.5 per level): the largest documented query costs about 300. */
  maxCost: 2000,
  /** Hireflix suggests aliases to invite several candidates in one request. */
  maxAliases: 50,
  /** Interviews one request may read, whatever the query's shape. */
  maxInterviews: 1000,
  maxBodyBytes: 256 * 1024,
};

/**
 * Hireflix's API at POST /me: GraphQL over HTTP (graphql-http), authenticated by the workspace API key in
 * X-API-KEY or Authorization: Bearer. Session cookies do not count here: no browser calls it, so no CSRF to guard.
 */
export function hireflixGraphqlRoutes(apiKeys: ApiKeyService, services: HireflixServices, logger: Logger) {
  const schema = buildHireflixSchema(hireflixResolvers);
  const contexts = new WeakMap<Request, HireflixContext>();
  const handler = createHandler<HireflixContext>({
    schema,
    context: (req) => contexts.get(req.raw)!,
    // graphql-http runs GraphQL's specified rules itself, before these.
    validationRules: [
      maxDepthRule({ n: GRAPHQL_LIMITS.maxDepth, flattenFragments: true, ...reportAsValidationError }),
      costLimitRule({ maxCost: GRAPHQL_LIMITS.maxCost, flattenFragments: true, ...reportAsValidationError }),
      maxAliasesRule({ n: GRAPHQL_LIMITS.maxAliases, ...reportAsValidationError }),
    ],
    formatError: (error) => formatError(error, logger),
  });

  const app = new Hono<AppEnv>();
  app.use('*', limitRequestBody(GRAPHQL_LIMITS.maxBodyBytes));
  app.all('/', async (c) => {
    const key = c.req.header('x-api-key') ?? c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (!key?.trim()) return refuse('unauthenticated', 'Send the workspace API key in the X-API-KEY header (or Authorization: Bearer)');
    const found = await apiKeys.authenticate(key.trim());
    if (!found) return refuse('invalid_api_key', 'The API key is not valid or has been revoked');
    contexts.set(c.req.raw, contextForApiKey(found, services, GRAPHQL_LIMITS.maxInterviews));
    return handler(c.req.raw);
  });
  return app;
}

/** graphql-armor's rules throw by default (for envelop); as plain validation rules they report like the others. */
const reportAsValidationError = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

/** 401 in GraphQL's response shape, so a client reads it as it reads any other error. */
function refuse(code: 'unauthenticated' | 'invalid_api_key', message: string): Response {
  return Response.json({ errors: [{ message, extensions: { code } }] }, { status: 401, headers: { 'www-authenticate': 'Bearer' } });
}

/**
 * A service's AppError keeps its message and gains its code (and field errors) in `extensions`; any other
 * resolver failure is logged and answered without its details. A request GraphQL refuses before running it gets
 * the codes Apollo-built clients know: GRAPHQL_PARSE_FAILED (syntax) or GRAPHQL_VALIDATION_FAILED (an unknown
 * field, a wrong argument or variable, a limit).
 */
function formatError(error: Readonly<GraphQLError | Error>, logger: Logger): GraphQLError | Error {
  if (!(error instanceof GraphQLError)) return error;
  const rewrap = (message: string, extensions: Record<string, unknown>) =>
    new GraphQLError(message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions });
  const original = error.originalError;
  if (!original || original instanceof GraphQLError) {
    // No path: refused before any resolver ran (a variable's coercion error wraps another GraphQLError).
    if (error.path || error.extensions.code !== undefined) return error;
    return rewrap(error.message, { ...error.extensions, code: error.message.startsWith('Syntax Error') ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED' });
  }
  if (original instanceof AppError) {
    return rewrap(original.message, { code: original.code, ...(original.details?.fields && { fields: original.details.fields }) });
  }
  logger.error('hireflix graphql resolver failed', { path: error.path?.join('.'), error: original.stack ?? String(original) });
  return rewrap('Something went wrong on our side', { code: 'internal' });
}
