import type { DbExecutor } from '../db/database.ts';
import type { ApiKeysTable } from '../db/schema.ts';

export class ApiKeyRepository {
  constructor(private readonly db: DbExecutor) {}

  insert(key: ApiKeysTable) {
    return this.db.insertInto('api_keys').values(key).execute();
  }

  findByHash(keyHash: string) {
    return this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
  }

  find(workspaceId: string, id: string) {
    return this.db.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  }

  list(workspaceId: string) {
    return this.db.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at', 'desc').execute();
  }

  revoke(workspaceId: string, id: string, now: number) {
    return this.db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  }

  touch(id: string, now: number) {
    return this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
  }
}
