import type { DbExecutor } from '../db/database.ts';

export interface LiveEventRow {
  seq: number;
  interviewId: string;
  event: string;
  createdAt: number;
}

/** Reads the webhook outbox (webhook_events) as the feed of interview changes the admin app follows. */
export class LiveEventRepository {
  constructor(private readonly db: DbExecutor) {}

  async latestSeq(workspaceId: string): Promise<number> {
    const row = await this.db
      .selectFrom('webhook_events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  /** Events after `afterSeq`, oldest first. */
  async after(workspaceId: string, afterSeq: number, limit = 200): Promise<LiveEventRow[]> {
    const rows = await this.db
      .selectFrom('webhook_events')
      .select(['seq', 'interview_id', 'event', 'created_at'])
      .where('workspace_id', '=', workspaceId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toLiveEvent);
  }

  /**
   * Events up to `uptoSeq` written since `since`: on PostgreSQL a transaction holding a lower seq can commit
   * after a higher one was read, so the last seconds are read again and the caller skips what it has sent.
   */
  async recent(workspaceId: string, uptoSeq: number, since: number, limit = 500): Promise<LiveEventRow[]> {
    const rows = await this.db
      .selectFrom('webhook_events')
      .select(['seq', 'interview_id', 'event', 'created_at'])
      .where('workspace_id', '=', workspaceId)
      .where('seq', '<=', uptoSeq)
      .where('created_at', '>=', since)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toLiveEvent);
  }
}

const toLiveEvent = (r: { seq: number; interview_id: string; event: string; created_at: number }): LiveEventRow => ({
  seq: Number(r.seq),
  interviewId: r.interview_id,
  event: r.event,
  createdAt: Number(r.created_at),
});
