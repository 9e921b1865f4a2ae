import { z } from '@hono/zod-openapi';
import { WEBHOOK_EVENTS } from '../db/schema.ts';

export const WebhookEventName = z.enum(WEBHOOK_EVENTS, { message: `must be one of ${WEBHOOK_EVENTS.join(', ')}` });

/** What a webhook is made of, for the JSON API and the Hireflix GraphQL API alike. */
export const WebhookInput = z
  .object({
    url: z.string().trim().min(1, 'is required').max(2000),
    events: z.array(WebhookEventName).min(1, 'subscribe to at least one event'),
    active: z.boolean().optional(),
    description: z.string().trim().max(500).optional(),
  })
  .openapi('WebhookInput');
