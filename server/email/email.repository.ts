import type { DbExecutor } from '../db/database.ts';
import type { EmailsTable } from '../db/schema.ts';
import { afterCursor } from '../shared/cursor.ts';

export class EmailRepository {
  constructor(private readonly db: DbExecutor) {}

  insert(email: EmailsTable) {
    return this.db.insertInto('emails').values(email).execute();
  }

  find(id: string) {
    return this.db.selectFrom('emails').selectAll().where('id', '=', id).executeTakeFirst();
  }

  update(id: string, changes: Partial<Pick<EmailsTable, 'status' | 'transport' | 'attempts' | 'last_error' | 'sent_at'>>) {
    return this.db.updateTable('emails').set(changes).where('id', '=', id).execute();
  }

  /** Marks an email failed unless it was sent meanwhile (a run that outlived its lease may have sent it). */
  markFailedUnlessSent(id: string, attempts: number, lastError: string) {
    return this.db.updateTable('emails').set({ status: 'failed', attempts, last_error: lastError }).where('id', '=', id).where('status', '<>', 'sent').execute();
  }

  list(workspaceId: string, filter: { interviewId?: string; to?: string; limit: number; before?: { createdAt: number; id: string } }) {
    return this.db
      .selectFrom('emails')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .$if(!!filter.interviewId, (q) => q.where('interview_id', '=', filter.interviewId!))
      .$if(!!filter.to, (q) => q.where('to_address', '=', filter.to!))
      .$if(!!filter.before, (q) => q.where(afterCursor('emails', filter.before!)))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1)
      .execute();
  }
}
