import { sql } from 'kysely';
import { isPostgres, type DbExecutor } from '../db/database.ts';
import type { Role, UsersTable, WorkspacesTable } from '../db/schema.ts';

export class WorkspaceRepository {
  constructor(private readonly db: DbExecutor) {}

  insertWorkspace(workspace: WorkspacesTable) {
    return this.db.insertInto('workspaces').values(workspace).execute();
  }

  updateWebhookSecret(id: string, changes: Pick<WorkspacesTable, 'webhook_secret' | 'webhook_secret_previous' | 'webhook_secret_previous_until'>) {
    return this.db.updateTable('workspaces').set(changes).where('id', '=', id).execute();
  }

  /** Inside a transaction: serialises membership changes of one workspace (SQLite runs one transaction at a time already). */
  async lockWorkspace(id: string): Promise<void> {
    if (isPostgres(this.db)) await this.db.selectFrom('workspaces').select('id').where('id', '=', id).forUpdate().execute();
  }

  findWorkspace(id: string) {
    return this.db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
  }

  insertUser(user: UsersTable) {
    return this.db.insertInto('users').values(user).execute();
  }

  findUserByEmail(email: string) {
    return this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  findUser(id: string) {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Inside a transaction: holds off other writers to users until it ends. SQLite runs one transaction at a time already. */
  async lockUsers(): Promise<void> {
    if (isPostgres(this.db)) await sql`lock table users in share row exclusive mode`.execute(this.db);
  }

  countUsers() {
    return this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.count));
  }

  addMember(workspaceId: string, userId: string, role: Role, now: number) {
    return this.db.insertInto('memberships').values({ workspace_id: workspaceId, user_id: userId, role, created_at: now }).execute();
  }

  findMembership(workspaceId: string, userId: string) {
    return this.db
      .selectFrom('memberships')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  /** The workspaces a person belongs to, oldest first (the default one after login). */
  listMembershipsOfUser(userId: string) {
    return this.db
      .selectFrom('memberships')
      .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
      .select(['workspaces.id', 'workspaces.name', 'memberships.role'])
      .where('memberships.user_id', '=', userId)
      .orderBy('memberships.created_at')
      .execute();
  }

  listMembers(workspaceId: string) {
    return this.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['users.id', 'users.email', 'users.name', 'memberships.role', 'memberships.created_at'])
      .where('memberships.workspace_id', '=', workspaceId)
      .orderBy('memberships.created_at')
      .execute();
  }

  updateRole(workspaceId: string, userId: string, role: Role) {
    return this.db
      .updateTable('memberships')
      .set({ role })
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  /** The membership, and with it the member's assignments as reviewer of the workspace's interviews. */
  async removeMember(workspaceId: string, userId: string) {
    await this.db.updateTable('interviews').set({ reviewer_user_id: null }).where('workspace_id', '=', workspaceId).where('reviewer_user_id', '=', userId).execute();
    return this.db.deleteFrom('memberships').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).executeTakeFirst();
  }

  countOwners(workspaceId: string) {
    return this.db
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('workspace_id', '=', workspaceId)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.count));
  }
}
