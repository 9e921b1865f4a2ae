import type { AppContext } from '../app-context.ts';
import type { DbExecutor } from '../db/database.ts';
import type { ApiKeysTable } from '../db/schema.ts';
import { AppError } from '../shared/errors.ts';
import { newId, sha256 } from '../shared/ids.ts';
import { randomBytes } from 'node:crypto';
import { ApiKeyRepository } from './api-key.repository.ts';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

// Writing last_used_at on every call would turn each read into a write.
const TOUCH_EVERY_MS = 60_000;

const toView = (k: ApiKeysTable): ApiKeyView => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.created_at,
  lastUsedAt: k.last_used_at,
  revokedAt: k.revoked_at,
});

export class ApiKeyService {
  constructor(private readonly ctx: AppContext) {}

  /** The secret is returned once, here; only its SHA-256 is kept (it has 256 bits, no slow hash needed). */
  async create(workspaceId: string, name: string, createdBy: string | null, executor: DbExecutor = this.ctx.db): Promise<{ apiKey: ApiKeyView; key: string }> {
    const key = `owk_${randomBytes(32).toString('base64url')}`;
    const row: ApiKeysTable = {
      id: newId(),
      workspace_id: workspaceId,
      name,
      prefix: key.slice(0, 12),
      key_hash: sha256(key),
      created_by: createdBy,
      created_at: this.ctx.clock.now(),
      last_used_at: null,
      revoked_at: null,
    };
    await new ApiKeyRepository(executor).insert(row);
    return { apiKey: toView(row), key };
  }

  async list(workspaceId: string): Promise<ApiKeyView[]> {
    return (await new ApiKeyRepository(this.ctx.db).list(workspaceId)).map(toView);
  }

  async revoke(workspaceId: string, id: string): Promise<ApiKeyView> {
    const repo = new ApiKeyRepository(this.ctx.db);
    const existing = await repo.find(workspaceId, id);
    if (!existing) throw new AppError('not_found', 'API key not found');
    if (!existing.revoked_at) await repo.revoke(workspaceId, id, this.ctx.clock.now());
    return toView((await repo.find(workspaceId, id))!);
  }

  /** A new secret under the same name; the old one stops working at once. */
  async rotate(workspaceId: string, id: string, rotatedBy: string | null): Promise<{ apiKey: ApiKeyView; key: string }> {
    const existing = await new ApiKeyRepository(this.ctx.db).find(workspaceId, id);
    if (!existing) throw new AppError('not_found', 'API key not found');
    if (existing.revoked_at) throw new AppError('invalid_state', 'A revoked key cannot be rotated; create a new one');
    return this.ctx.db.transaction().execute(async (trx) => {
      // Two rotations at once: only the one that revokes the key issues a new one.
      if (!Number((await new ApiKeyRepository(trx).revoke(workspaceId, id, this.ctx.clock.now())).numUpdatedRows)) {
        throw new AppError('invalid_state', 'This key was rotated or revoked meanwhile');
      }
      return this.create(workspaceId, existing.name, rotatedBy, trx);
    });
  }

  async authenticate(key: string): Promise<{ apiKeyId: string; workspaceId: string } | null> {
    const repo = new ApiKeyRepository(this.ctx.db);
    const row = await repo.findByHash(sha256(key));
    if (!row || row.revoked_at) return null;
    const now = this.ctx.clock.now();
    if (!row.last_used_at || now - row.last_used_at > TOUCH_EVERY_MS) await repo.touch(row.id, now);
    return { apiKeyId: row.id, workspaceId: row.workspace_id };
  }
}
