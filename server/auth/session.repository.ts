import type { DbExecutor } from '../db/database.ts';
import type { SessionsTable } from '../db/schema.ts';

export class SessionRepository {
  constructor(private readonly db: DbExecutor) {}

  insert(session: SessionsTable) {
    return this.db.insertInto('sessions').values(session).execute();
  }

  findLive(idHash: string, now: number) {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('id_hash', '=', idHash)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  }

  setWorkspace(idHash: string, workspaceId: string) {
    return this.db.updateTable('sessions').set({ workspace_id: workspaceId }).where('id_hash', '=', idHash).execute();
  }

  delete(idHash: string) {
    return this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  deleteForUser(userId: string) {
    return this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  deleteExpired(now: number) {
    return this.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
  }
}
