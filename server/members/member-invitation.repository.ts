import type { DbExecutor } from '../db/database.ts';
import type { MemberInvitationsTable } from '../db/schema.ts';

export class MemberInvitationRepository {
  constructor(private readonly db: DbExecutor) {}

  insert(invitation: MemberInvitationsTable) {
    return this.db.insertInto('member_invitations').values(invitation).execute();
  }

  listOpen(workspaceId: string, now: number) {
    return this.db
      .selectFrom('member_invitations')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('accepted_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .execute();
  }

  findOpenByEmail(workspaceId: string, email: string, now: number) {
    return this.db
      .selectFrom('member_invitations')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('email', '=', email)
      .where('accepted_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  }

  findByTokenHash(tokenHash: string) {
    return this.db
      .selectFrom('member_invitations')
      .innerJoin('workspaces', 'workspaces.id', 'member_invitations.workspace_id')
      .selectAll('member_invitations')
      .select('workspaces.name as workspace_name')
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  markAccepted(id: string, now: number) {
    return this.db.updateTable('member_invitations').set({ accepted_at: now }).where('id', '=', id).where('accepted_at', 'is', null).executeTakeFirst();
  }

  delete(workspaceId: string, id: string) {
    return this.db.deleteFrom('member_invitations').where('workspace_id', '=', workspaceId).where('id', '=', id).where('accepted_at', 'is', null).executeTakeFirst();
  }
}
