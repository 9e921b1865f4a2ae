import type { AppContext } from '../app-context.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import type { Role } from '../db/schema.ts';
import { memberInvitationEmail } from '../email/email-templates.ts';
import type { EmailService } from '../email/email.service.ts';
import { AppError, validationFailed } from '../shared/errors.ts';
import { emailKey } from '../shared/email-address.ts';
import { newId, newSecretToken, sha256 } from '../shared/ids.ts';
import { WorkspaceRepository } from '../workspaces/workspace.repository.ts';
import { MemberInvitationRepository } from './member-invitation.repository.ts';

const INVITATION_TTL_MS = 7 * 86400_000;

export interface MemberView {
  id: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: number;
}

export interface MemberInvitationView {
  id: string;
  email: string;
  role: Role;
  expiresAt: number;
  createdAt: number;
}

/** People of a workspace: invited by email, given a role, removed. At least one owner always remains. */
export class MemberService {
  constructor(
    private readonly ctx: AppContext,
    private readonly emails: EmailService,
  ) {}

  async list(workspaceId: string): Promise<MemberView[]> {
    const rows = await new WorkspaceRepository(this.ctx.db).listMembers(workspaceId);
    return rows.map((r) => ({ id: r.id, email: r.email, name: r.name, role: r.role, joinedAt: r.created_at }));
  }

  async listInvitations(workspaceId: string): Promise<MemberInvitationView[]> {
    const rows = await new MemberInvitationRepository(this.ctx.db).listOpen(workspaceId, this.ctx.clock.now());
    return rows.map((r) => ({ id: r.id, email: r.email, role: r.role, expiresAt: r.expires_at, createdAt: r.created_at }));
  }

  /** Emails a link to join; `acceptUrl` is returned too so an admin can pass it on by hand. */
  async invite(workspaceId: string, invitedBy: string | null, email: string, role: Role, actorRole: Role): Promise<MemberInvitationView & { acceptUrl: string }> {
    if (role === 'owner' && actorRole !== 'owner') throw new AppError('forbidden', 'Only an owner can invite another owner');
    const key = emailKey(email);
    const now = this.ctx.clock.now();
    const workspaceRepo = new WorkspaceRepository(this.ctx.db);
    const existing = await workspaceRepo.findUserByEmail(key);
    if (existing && (await workspaceRepo.findMembership(workspaceId, existing.id))) {
      throw new AppError('already_member', `${key} is already a member of this workspace`);
    }
    if (await new MemberInvitationRepository(this.ctx.db).findOpenByEmail(workspaceId, key, now)) {
      throw new AppError('already_invited', `${key} already has an open invitation`);
    }
    const token = newSecretToken();
    const id = newId();
    const acceptUrl = `${this.ctx.config.publicBaseUrl}/admin/join?token=${token}`;
    const workspace = await workspaceRepo.findWorkspace(workspaceId);
    const inviter = invitedBy ? await workspaceRepo.findUser(invitedBy) : undefined;
    await this.ctx.db.transaction().execute(async (trx) => {
      await new MemberInvitationRepository(trx).insert({
        id,
        workspace_id: workspaceId,
        email: key,
        role,
        token_hash: sha256(token),
        invited_by: invitedBy,
        expires_at: now + INVITATION_TTL_MS,
        accepted_at: null,
        created_at: now,
      });
      await this.emails.queue(trx, {
        kind: 'member_invitation',
        to: key,
        workspaceId,
        ...memberInvitationEmail({ workspaceName: workspace?.name ?? '', inviterName: inviter?.name ?? 'An administrator', role, link: acceptUrl }),
      });
    });
    return { id, email: key, role, expiresAt: now + INVITATION_TTL_MS, createdAt: now, acceptUrl };
  }

  async revokeInvitation(workspaceId: string, id: string): Promise<void> {
    const result = await new MemberInvitationRepository(this.ctx.db).delete(workspaceId, id);
    if (!Number(result.numDeletedRows)) throw new AppError('not_found', 'Invitation not found');
  }

  async describeInvitation(token: string) {
    const invitation = await this.openInvitation(token);
    const user = await new WorkspaceRepository(this.ctx.db).findUserByEmail(invitation.email);
    return { workspaceName: invitation.workspace_name, email: invitation.email, role: invitation.role, hasAccount: !!user };
  }

  /** A new person sets a name and password; an existing account proves itself with its password. */
  async accept(token: string, input: { name?: string; password: string }): Promise<{ email: string; workspaceId: string }> {
    const invitation = await this.openInvitation(token);
    const now = this.ctx.clock.now();
    const existing = await new WorkspaceRepository(this.ctx.db).findUserByEmail(invitation.email);
    if (existing && !(await verifyPassword(input.password, existing.password_hash))) {
      throw new AppError('invalid_credentials', 'That is not the password of the existing account for this email');
    }
    if (!existing && !input.name) throw validationFailed([{ path: 'name', message: 'is required for a new account' }]);
    const passwordHash = existing ? null : await hashPassword(input.password);
    await this.ctx.db.transaction().execute(async (trx) => {
      const invitations = new MemberInvitationRepository(trx);
      const repo = new WorkspaceRepository(trx);
      if (!Number((await invitations.markAccepted(invitation.id, now)).numUpdatedRows)) throw new AppError('invalid_state', 'This invitation was already used');
      const userId = existing?.id ?? newId();
      if (!existing) await repo.insertUser({ id: userId, email: invitation.email, name: input.name!, password_hash: passwordHash!, created_at: now });
      if (!(await repo.findMembership(invitation.workspace_id, userId))) await repo.addMember(invitation.workspace_id, userId, invitation.role, now);
    });
    return { email: invitation.email, workspaceId: invitation.workspace_id };
  }

  async changeRole(workspaceId: string, userId: string, role: Role, actorRole: Role): Promise<MemberView> {
    const repo = new WorkspaceRepository(this.ctx.db);
    const membership = await repo.findMembership(workspaceId, userId);
    if (!membership) throw new AppError('not_found', 'Member not found');
    if ((role === 'owner' || membership.role === 'owner') && actorRole !== 'owner') throw new AppError('forbidden', 'Only an owner can grant or take the owner role');
    await this.keepingAnOwner(workspaceId, (trx) => trx.updateRole(workspaceId, userId, role));
    return (await this.list(workspaceId)).find((m) => m.id === userId)!;
  }

  async remove(workspaceId: string, userId: string, actorRole: Role): Promise<void> {
    const repo = new WorkspaceRepository(this.ctx.db);
    const membership = await repo.findMembership(workspaceId, userId);
    if (!membership) throw new AppError('not_found', 'Member not found');
    if (membership.role === 'owner' && actorRole !== 'owner') throw new AppError('forbidden', 'Only an owner can remove an owner');
    await this.keepingAnOwner(workspaceId, (trx) => trx.removeMember(workspaceId, userId));
    // Sessions acting in this workspace lose it at their next request (the role is read per request).
  }

  /** Applies a membership change only if an owner remains; the workspace row lock serialises concurrent changes. */
  private keepingAnOwner(workspaceId: string, change: (repo: WorkspaceRepository) => Promise<unknown>): Promise<void> {
    return this.ctx.db.transaction().execute(async (trx) => {
      const repo = new WorkspaceRepository(trx);
      await repo.lockWorkspace(workspaceId);
      await change(repo);
      if ((await repo.countOwners(workspaceId)) < 1) throw new AppError('last_owner', 'A workspace needs at least one owner');
    });
  }

  private async openInvitation(token: string) {
    const invitation = await new MemberInvitationRepository(this.ctx.db).findByTokenHash(sha256(token));
    if (!invitation) throw new AppError('link_not_found', 'This invitation link is not valid');
    if (invitation.accepted_at) throw new AppError('invalid_state', 'This invitation was already used');
    if (invitation.expires_at <= this.ctx.clock.now()) throw new AppError('invitation_expired', 'This invitation has expired; ask for a new one');
    return invitation;
  }
}
