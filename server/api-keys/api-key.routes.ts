import { createRoute, z } from '@hono/zod-openapi';
import { asAdmin } from '../http/actor.ts';
import { IdParam, createRouter, errorResponses, jsonBody, jsonResponse } from '../http/router.ts';
import type { ApiKeyService } from './api-key.service.ts';

const tags = ['API keys'];
const ApiKey = z
  .object({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: z.number(), lastUsedAt: z.number().nullable(), revokedAt: z.number().nullable() })
  .openapi('ApiKey');
const NewApiKey = z
  .object({ apiKey: ApiKey, key: z.string().openapi({ description: 'The secret: shown this once, store it now' }) })
  .openapi('NewApiKey');

export function apiKeyRoutes(apiKeys: ApiKeyService) {
  const app = createRouter();

  app.openapi(
    createRoute({ method: 'get', path: '/api-keys', tags, summary: "The workspace's API keys (never their secrets)", responses: { 200: jsonResponse(z.object({ items: z.array(ApiKey) }), 'Keys'), ...errorResponses } }),
    async (c) => c.json({ items: await apiKeys.list(asAdmin(c).workspaceId) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api-keys',
      tags,
      summary: 'Create an API key for an ATS; send it as X-API-KEY or Authorization: Bearer',
      request: jsonBody(z.object({ name: z.string().trim().min(1).max(100) })),
      responses: { 201: jsonResponse(NewApiKey, 'Created'), ...errorResponses },
    }),
    async (c) => {
      const actor = asAdmin(c);
      return c.json(await apiKeys.create(actor.workspaceId, c.req.valid('json').name, actor.userId), 201);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/api-keys/{id}/rotate', tags, summary: 'Replace the secret; the old one stops working', request: { params: IdParam }, responses: { 201: jsonResponse(NewApiKey, 'Rotated'), ...errorResponses } }),
    async (c) => {
      const actor = asAdmin(c);
      return c.json(await apiKeys.rotate(actor.workspaceId, c.req.valid('param').id, actor.userId), 201);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/api-keys/{id}', tags, summary: 'Revoke a key', request: { params: IdParam }, responses: { 200: jsonResponse(ApiKey, 'Revoked'), ...errorResponses } }),
    async (c) => c.json(await apiKeys.revoke(asAdmin(c).workspaceId, c.req.valid('param').id), 200),
  );

  return app;
}
