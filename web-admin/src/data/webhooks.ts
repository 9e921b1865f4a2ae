// Webhooks: subscriptions, the signing secret, and the delivery log.
import { api, type Page } from './api-client.ts';

export const WEBHOOK_EVENTS = ['interview.create', 'interview.finish', 'interview.status-change', 'interview.delete', 'interview.score-updated'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_EVENT_LABELS: Record<WebhookEvent, string> = {
  'interview.create': 'An invitation is created',
  'interview.finish': 'A candidate completes the interview',
  'interview.status-change': 'The status changes (completed, shortlisted, discarded, expired, cancelled)',
  'interview.delete': 'An interview is deleted',
  'interview.score-updated': 'The score changes',
};

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  active: boolean;
  description: string;
  disabledReason: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface WebhookInput {
  url: string;
  events: WebhookEvent[];
  active?: boolean;
  description?: string;
}

export interface WebhookSecret {
  secret: string;
  previousSecretValidUntil: number | null;
}

export type DeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed' | 'cancelled';

export interface DeliverySummary {
  id: string;
  eventId: string;
  event: string;
  interviewId: string | null;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface DeliveryAttempt {
  attempt: number;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

export interface Delivery {
  id: string;
  eventId: string;
  event: string;
  status: DeliveryStatus;
  body: string;
  attempts: DeliveryAttempt[];
}

const base = (id: string) => `/webhooks/${encodeURIComponent(id)}`;

export async function listWebhooks(): Promise<Webhook[]> {
  return (await api.get<{ items: Webhook[] }>('/webhooks')).items;
}

export const createWebhook = (input: WebhookInput) => api.post<Webhook>('/webhooks', input);

export const updateWebhook = (id: string, changes: Partial<WebhookInput>) => api.patch<Webhook>(base(id), changes);

export const deleteWebhook = (id: string) => api.delete<void>(base(id));

export const revealWebhookSecret = () => api.get<WebhookSecret>('/webhooks/secret');

export const rotateWebhookSecret = () => api.post<WebhookSecret>('/webhooks/secret/rotate');

export const listDeliveries = (id: string, cursor?: string | null, limit = 20) => api.get<Page<DeliverySummary>>(`${base(id)}/deliveries`, { query: { cursor, limit } });

export const getDelivery = (id: string, deliveryId: string) => api.get<Delivery>(`${base(id)}/deliveries/${encodeURIComponent(deliveryId)}`);

export const redeliver = (id: string, deliveryId: string) => api.post<Delivery>(`${base(id)}/redeliver`, { deliveryId });

export const pingWebhook = (id: string) => api.post<Delivery>(`${base(id)}/ping`);
