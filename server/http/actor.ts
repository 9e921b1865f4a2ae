import type { Context } from 'hono';
import type { Role } from '../db/schema.ts';
import { AppError, forbidden } from '../shared/errors.ts';

/** Who is calling: a logged-in member (cookie session) or an ATS holding a workspace API key. */
export type Actor =
  | { kind: 'member'; userId: string; sessionIdHash: string; csrfToken: string; workspaceId: string | null; role: Role | null }
  | { kind: 'api_key'; apiKeyId: string; workspaceId: string; role: 'admin'; userId: null };

export type AppEnv = { Variables: { actor?: Actor; csrfFailed?: boolean } };

export interface WorkspaceActor {
  workspaceId: string;
  role: Role;
  userId: string | null;
  kind: Actor['kind'];
}

export function currentActor(c: Context<AppEnv>): Actor {
  const actor = c.get('actor');
  if (!actor && c.get('csrfFailed')) throw new AppError('csrf_failed', 'Missing or wrong X-CSRF-Token header');
  if (!actor) throw new AppError('unauthenticated', 'Log in or send an API key (X-API-KEY or Authorization: Bearer)');
  return actor;
}

export function currentMember(c: Context<AppEnv>): Extract<Actor, { kind: 'member' }> {
  const actor = currentActor(c);
  if (actor.kind !== 'member') throw forbidden('This action needs a logged-in member, not an API key');
  return actor;
}

/** The workspace the request acts in; reviewers may read, review and score. */
export function inWorkspace(c: Context<AppEnv>): WorkspaceActor {
  const actor = currentActor(c);
  if (!actor.workspaceId || !actor.role) throw forbidden('You are not a member of any workspace');
  return { workspaceId: actor.workspaceId, role: actor.role, userId: actor.userId, kind: actor.kind };
}

/** Owners and admins (and API keys) manage templates, invitations, keys and webhooks. */
export function asAdmin(c: Context<AppEnv>): WorkspaceActor {
  const actor = inWorkspace(c);
  if (actor.role === 'reviewer') throw forbidden('Reviewers can review and score only');
  return actor;
}
