import { createHmac, randomBytes } from 'node:crypto';

/** `whsec_` + base64: pasted as-is into Hireflix-style verifiers, and accepted by Standard Webhooks libraries. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/** Hireflix: base64 HMAC-SHA256 of the exact body, keyed with the secret string as the ATS holds it. */
export const hireflixSignature = (secret: string, body: string): string => createHmac('sha256', secret).update(body).digest('base64');

/** Standard Webhooks: `v1,` + base64 HMAC-SHA256 of "id.timestamp.body", keyed with the secret's decoded bytes. */
export function standardSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}
