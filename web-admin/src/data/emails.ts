// The emails the workspace sent or keeps in its outbox (when the server has no SMTP).
import { api, type Page } from './api-client.ts';

export interface Email {
  id: string;
  kind: 'invitation' | 'reminder' | 'completed' | 'member_invitation';
  to: string;
  subject: string;
  text: string;
  html: string;
  status: 'queued' | 'sent' | 'failed';
  transport: 'smtp' | 'outbox' | null;
  attempts: number;
  lastError: string | null;
  interviewId: string | null;
  createdAt: number;
  sentAt: number | null;
}

export const listEmails = (filter: { to?: string; interviewId?: string } = {}, cursor?: string | null, limit = 25) =>
  api.get<Page<Email>>('/emails', { query: { ...filter, cursor, limit } });

/** Whether the server sends email itself; the server writes it into the page it serves. */
export function smtpConfigured(): boolean {
  return document.querySelector('meta[name="smtp-configured"]')?.getAttribute('content') === 'true';
}
