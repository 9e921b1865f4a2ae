import { timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../app-context.ts';
import type { Role } from '../db/schema.ts';
import { AppError, forbidden } from '../shared/errors.ts';
import { emailKey } from '../shared/email-address.ts';
import { newSecretToken, sha256 } from '../shared/ids.ts';
import { WorkspaceRepository } from '../workspaces/workspace.repository.ts';
import { LoginThrottle } from './login-throttle.ts';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './passwords.ts';
import { SessionRepository } from './session.repository.ts';

export interface SessionView {
  user: { id: string; email: string; name: string };
  workspaces: { id: string; name: string; role: Role }[];
  workspaceId: string | null;
  role: Role | null;
  csrfToken: string;
}

export interface AuthenticatedSession {
  userId: string;
  sessionIdHash: string;
  csrfToken: string;
  workspaceId: string | null;
  role: Role | null;
}

export class AuthService {
  constructor(private readonly ctx: AppContext) {}

  async login(email: string, password: string): Promise<{ sessionToken: string; view: SessionView }> {
    const repo = new WorkspaceRepository(this.ctx.db);
    const key = emailKey(email);
    const throttle = new LoginThrottle(this.ctx.db, this.ctx.clock);
    await throttle.assertAllowed(key);
    const user = await repo.findUserByEmail(key);
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
    if (!user || !ok) {
      // Counted for unknown emails too, so the answer does not tell which accounts exist.
      await throttle.recordFailure(key);
      throw new AppError('invalid_credentials', 'Email or password is wrong');
    }
    await throttle.reset(key);
    const memberships = await repo.listMembershipsOfUser(user.id);
    const sessionToken = newSecretToken();
    const now = this.ctx.clock.now();
    await new SessionRepository(this.ctx.db).insert({
      id_hash: sha256(sessionToken),
      user_id: user.id,
      workspace_id: memberships[0]?.id ?? null,
      csrf_token: newSecretToken(),
      created_at: now,
      expires_at: now + this.ctx.config.sessionTtlMs,
    });
    return { sessionToken, view: await this.view(sha256(sessionToken)) };
  }

  /** The session behind a cookie, with the role read fresh so a removed member loses access at once. */
  async authenticate(sessionToken: string): Promise<AuthenticatedSession | null> {
    const idHash = sha256(sessionToken);
    const session = await new SessionRepository(this.ctx.db).findLive(idHash, this.ctx.clock.now());
    if (!session) return null;
    const membership = session.workspace_id
      ? await new WorkspaceRepository(this.ctx.db).findMembership(session.workspace_id, session.user_id)
      : undefined;
    return {
      userId: session.user_id,
      sessionIdHash: idHash,
      csrfToken: session.csrf_token,
      workspaceId: membership ? session.workspace_id : null,
      role: membership?.role ?? null,
    };
  }

  /** A live session of a member of this workspace (whichever workspace the session has selected). */
  async authenticateFor(sessionToken: string, workspaceId: string): Promise<{ userId: string } | null> {
    const session = await new SessionRepository(this.ctx.db).findLive(sha256(sessionToken), this.ctx.clock.now());
    if (!session) return null;
    const membership = await new WorkspaceRepository(this.ctx.db).findMembership(workspaceId, session.user_id);
    return membership ? { userId: session.user_id } : null;
  }

  async view(sessionIdHash: string): Promise<SessionView> {
    const session = await new SessionRepository(this.ctx.db).findLive(sessionIdHash, this.ctx.clock.now());
    if (!session) throw new AppError('unauthenticated', 'Your session has ended; log in again');
    const repo = new WorkspaceRepository(this.ctx.db);
    const user = await repo.findUser(session.user_id);
    if (!user) throw new AppError('unauthenticated', 'Your session has ended; log in again');
    const workspaces = await repo.listMembershipsOfUser(user.id);
    let current = workspaces.find((w) => w.id === session.workspace_id) ?? null;
    if (!current && workspaces.length) {
      // Removed from the selected workspace (or none selected) but a member elsewhere: the app opens there. Only
      // here, where the app reads which workspace it shows; other requests never move to another workspace.
      current = workspaces[0]!;
      await new SessionRepository(this.ctx.db).setWorkspace(sessionIdHash, current.id);
    }
    return {
      user: { id: user.id, email: user.email, name: user.name },
      workspaces,
      workspaceId: current?.id ?? null,
      role: current?.role ?? null,
      csrfToken: session.csrf_token,
    };
  }

  async switchWorkspace(sessionIdHash: string, userId: string, workspaceId: string): Promise<SessionView> {
    const membership = await new WorkspaceRepository(this.ctx.db).findMembership(workspaceId, userId);
    if (!membership) throw forbidden('You are not a member of that workspace');
    await new SessionRepository(this.ctx.db).setWorkspace(sessionIdHash, workspaceId);
    return this.view(sessionIdHash);
  }

  async deleteExpiredSessions(): Promise<void> {
    await new SessionRepository(this.ctx.db).deleteExpired(this.ctx.clock.now());
  }

  async logout(sessionIdHash: string): Promise<void> {
    await new SessionRepository(this.ctx.db).delete(sessionIdHash);
  }
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
