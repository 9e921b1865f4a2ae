import { createRoute, z } from '@hono/zod-openapi';
import { asAdmin } from '../http/actor.ts';
import { IdParam, PageQuery, createRouter, errorResponses, jsonBody, jsonResponse } from '../http/router.ts';
import { WebhookEventName, WebhookInput } from './webhook.schemas.ts';
import type { WebhookService } from './webhook.service.ts';

const tags = ['Webhooks'];
const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(WebhookEventName),
    active: z.boolean(),
    description: z.string(),
    disabledReason: z.string().nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .openapi('Webhook');
const Secret = z
  .object({
    secret: z.string().openapi({ description: 'HMAC key of x-hireflix-signature and (base64 after whsec_) of webhook-signature' }),
    previousSecretValidUntil: z.number().nullable(),
  })
  .openapi('WebhookSecret');
const Delivery = z
  .object({
    id: z.string(),
    eventId: z.string(),
    event: z.string(),
    status: z.enum(['pending', 'delivering', 'succeeded', 'failed', 'cancelled']),
    body: z.string(),
    attempts: z.array(
      z.object({ attempt: z.number(), startedAt: z.number(), durationMs: z.number(), statusCode: z.number().nullable(), error: z.string().nullable(), responseExcerpt: z.string().nullable() }),
    ),
  })
  .openapi('WebhookDelivery');
const DeliveryParams = IdParam.extend({ deliveryId: z.string().min(1).max(64).openapi({ param: { name: 'deliveryId', in: 'path' } }) });

export function webhookRoutes(webhooks: WebhookService) {
  const app = createRouter();

  app.openapi(
    createRoute({ method: 'get', path: '/webhooks', tags, summary: "The workspace's webhooks", responses: { 200: jsonResponse(z.object({ items: z.array(Webhook) }), 'Webhooks'), ...errorResponses } }),
    async (c) => c.json({ items: await webhooks.list(asAdmin(c).workspaceId) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks',
      tags,
      summary: 'Register a webhook (http/https; private and loopback addresses are refused)',
      request: jsonBody(WebhookInput),
      responses: { 201: jsonResponse(Webhook, 'Created'), ...errorResponses },
    }),
    async (c) => c.json(await webhooks.create(asAdmin(c).workspaceId, c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/webhooks/secret', tags, summary: 'Reveal the webhook signing secret', responses: { 200: jsonResponse(Secret, 'The secret'), ...errorResponses } }),
    async (c) => c.json(await webhooks.secret(asAdmin(c).workspaceId), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/secret/rotate',
      tags,
      summary: 'Rotate the secret; for 24 h deliveries carry signatures of both in webhook-signature',
      responses: { 200: jsonResponse(Secret, 'The new secret'), ...errorResponses },
    }),
    async (c) => c.json(await webhooks.rotateSecret(asAdmin(c).workspaceId), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks/events',
      tags,
      summary: 'Past events of the workspace, newest first (any can be redelivered)',
      request: { query: z.object(PageQuery) },
      responses: {
        200: jsonResponse(z.object({ items: z.array(z.object({ id: z.string(), event: z.string(), interviewId: z.string().nullable(), createdAt: z.number() })), nextCursor: z.string().nullable() }), 'Events'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await webhooks.events(asAdmin(c).workspaceId, c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/webhooks/{id}', tags, summary: 'A webhook', request: { params: IdParam }, responses: { 200: jsonResponse(Webhook, 'The webhook'), ...errorResponses } }),
    async (c) => c.json(await webhooks.get(asAdmin(c).workspaceId, c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/webhooks/{id}',
      tags,
      summary: 'Change URL, events, active flag or description',
      request: { params: IdParam, ...jsonBody(WebhookInput.partial()) },
      responses: { 200: jsonResponse(Webhook, 'Updated'), ...errorResponses },
    }),
    async (c) => c.json(await webhooks.update(asAdmin(c).workspaceId, c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/webhooks/{id}', tags, summary: 'Delete a webhook', request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, ...errorResponses } }),
    async (c) => {
      await webhooks.delete(asAdmin(c).workspaceId, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks/{id}/deliveries',
      tags,
      summary: 'The delivery log, newest first',
      request: { params: IdParam, query: z.object(PageQuery) },
      responses: {
        200: jsonResponse(
          z.object({
            items: z.array(
              z.object({
                id: z.string(),
                eventId: z.string(),
                event: z.string(),
                interviewId: z.string().nullable(),
                status: z.enum(['pending', 'delivering', 'succeeded', 'failed', 'cancelled']),
                attempts: z.number(),
                nextAttemptAt: z.number().nullable(),
                lastStatusCode: z.number().nullable(),
                lastError: z.string().nullable(),
                createdAt: z.number(),
                deliveredAt: z.number().nullable(),
              }),
            ),
            nextCursor: z.string().nullable(),
          }),
          'Deliveries',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await webhooks.deliveries(asAdmin(c).workspaceId, c.req.valid('param').id, c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/webhooks/{id}/deliveries/{deliveryId}',
      tags,
      summary: 'One delivery: the body sent and every attempt (time, status, duration, response excerpt)',
      request: { params: DeliveryParams },
      responses: { 200: jsonResponse(Delivery, 'The delivery'), ...errorResponses },
    }),
    async (c) => {
      const { id, deliveryId } = c.req.valid('param');
      return c.json(await webhooks.delivery(asAdmin(c).workspaceId, id, deliveryId), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/{id}/redeliver',
      tags,
      summary: 'Send a past event again (by delivery id or event id) as a new delivery; 409 webhook_inactive while the webhook is paused',
      request: { params: IdParam, ...jsonBody(z.object({ deliveryId: z.string().max(64).optional(), eventId: z.string().max(64).optional() })) },
      responses: { 202: jsonResponse(Delivery, 'Queued'), ...errorResponses },
    }),
    async (c) => c.json(await webhooks.redeliver(asAdmin(c).workspaceId, c.req.valid('param').id, c.req.valid('json')), 202),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/webhooks/{id}/ping', tags, summary: 'Send a test ping event; 409 webhook_inactive while the webhook is paused', request: { params: IdParam }, responses: { 202: jsonResponse(Delivery, 'Queued'), ...errorResponses } }),
    async (c) => c.json(await webhooks.ping(asAdmin(c).workspaceId, c.req.valid('param').id), 202),
  );

  return app;
}
