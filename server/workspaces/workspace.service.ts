import type { AppContext } from '../app-context.ts';
import { hashPassword } from '../auth/passwords.ts';
import { isUniqueViolation } from '../db/database.ts';
import { AppError } from '../shared/errors.ts';
import { emailKey } from '../shared/email-address.ts';
import { newId } from '../shared/ids.ts';
import { newWebhookSecret } from '../webhooks/webhook-signature.ts';
import { WorkspaceRepository } from './workspace.repository.ts';

export interface NewWorkspace {
  workspaceName: string;
  ownerEmail: string;
  ownerName: string;
  ownerPassword: string;
}

export class WorkspaceService {
  constructor(private readonly ctx: AppContext) {}

  /** A new tenant and its first owner; an existing account with that email becomes the owner. */
  createWithOwner(input: NewWorkspace): Promise<{ workspaceId: string; userId: string; createdUser: boolean }> {
    return this.create(input);
  }

  /** First run only: the check and the creation share one transaction, so of racing set-ups exactly one wins. */
  createFirstOwner(input: NewWorkspace): Promise<{ workspaceId: string; userId: string; createdUser: boolean }> {
    return this.create(input, async (repo) => {
      await repo.lockUsers();
      if ((await repo.countUsers()) > 0) throw new AppError('setup_done', 'This server already has an owner; log in instead');
    });
  }

  private async create(input: NewWorkspace, guard?: (repo: WorkspaceRepository) => Promise<void>) {
    const now = this.ctx.clock.now();
    const email = emailKey(input.ownerEmail);
    const passwordHash = await hashPassword(input.ownerPassword);
    try {
      return await this.ctx.db.transaction().execute(async (trx) => {
        const repo = new WorkspaceRepository(trx);
        await guard?.(repo);
        const workspaceId = newId();
        await repo.insertWorkspace({
          id: workspaceId,
          name: input.workspaceName,
          webhook_secret: newWebhookSecret(),
          webhook_secret_previous: null,
          webhook_secret_previous_until: null,
          created_at: now,
        });
        const existing = await repo.findUserByEmail(email);
        const userId = existing?.id ?? newId();
        if (!existing) {
          await repo.insertUser({ id: userId, email, name: input.ownerName, password_hash: passwordHash, created_at: now });
        }
        await repo.addMember(workspaceId, userId, 'owner', now);
        return { workspaceId, userId, createdUser: !existing };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('email_taken', 'That email already has an account');
      throw error;
    }
  }

  async isFirstRun(): Promise<boolean> {
    return (await new WorkspaceRepository(this.ctx.db).countUsers()) === 0;
  }

  async get(workspaceId: string) {
    const workspace = await new WorkspaceRepository(this.ctx.db).findWorkspace(workspaceId);
    if (!workspace) throw new AppError('not_found', 'Workspace not found');
    return { id: workspace.id, name: workspace.name, createdAt: workspace.created_at };
  }
}
