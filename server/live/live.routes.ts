import type { Server } from 'node:net';
import { streamSSE } from 'hono/streaming';
import type { AppContext } from '../app-context.ts';
import { currentMember, inWorkspace } from '../http/actor.ts';
import { createRouter, errorResponses } from '../http/router.ts';
import { LiveEventRepository, type LiveEventRow } from './live-event.repository.ts';

export interface LiveOptions {
  /** How often the outbox is read for new events. */
  pollMs: number;
  /** A stream ends after this long and the browser reconnects (with Last-Event-ID), re-checking the session. */
  maxStreamMs: number;
  /** How far back late-committed events are looked for. */
  lateCommitMs: number;
  heartbeatMs: number;
}

const defaults: LiveOptions = { pollMs: 1000, maxStreamMs: 5 * 60_000, lateCommitMs: 15_000, heartbeatMs: 20_000 };

/** GET /live: the workspace's interview changes as server-sent events, for the admin app's open pages. */
export function liveRoutes(ctx: AppContext, options: Partial<LiveOptions> = {}) {
  const { pollMs, maxStreamMs, lateCommitMs, heartbeatMs } = { ...defaults, ...options };
  const app = createRouter();

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/live',
    tags: ['Live updates'],
    summary: "Server-sent events for the logged-in member's workspace: `interview` events with {interviewId, event, seq}",
    description: 'Each webhook-worthy change of an interview (created, finished, status change, deleted, score updated) is sent within about a second. Send Last-Event-ID to resume after a reconnect.',
    responses: { 200: { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errorResponses },
  });

  app.get('/live', async (c) => {
    currentMember(c);
    const { workspaceId } = inWorkspace(c);
    const repo = new LiveEventRepository(ctx.db);
    const resumeFrom = Number(c.req.header('last-event-id'));
    let lastSeq = Number.isSafeInteger(resumeFrom) && resumeFrom > 0 ? resumeFrom : await repo.latestSeq(workspaceId);
    // The HTTP server stops waiting for nobody: once it no longer listens, open streams end at the next poll.
    const server = (c.env as { incoming?: { socket?: { server?: Server } } } | undefined)?.incoming?.socket?.server;
    const serverStopping = () => server?.listening === false;
    c.header('Cache-Control', 'no-store');
    c.header('X-Accel-Buffering', 'no');

    return streamSSE(c, async (stream) => {
      const sent = new Map<number, number>();
      const started = Date.now();
      let lastWrite = Date.now();
      const send = async (row: LiveEventRow) => {
        sent.set(row.seq, row.createdAt);
        lastSeq = Math.max(lastSeq, row.seq);
        await stream.writeSSE({ event: 'interview', id: String(lastSeq), data: JSON.stringify({ interviewId: row.interviewId, event: row.event, seq: row.seq }) });
        lastWrite = Date.now();
      };
      await stream.writeSSE({ event: 'ready', id: String(lastSeq), retry: 2000, data: JSON.stringify({ seq: lastSeq }) });

      while (!stream.aborted && !stream.closed && Date.now() - started < maxStreamMs && !serverStopping()) {
        // Short naps, so a stopping server is let go within a quarter of a second.
        for (let slept = 0; slept < pollMs && !stream.aborted && !serverStopping(); slept += 250) await stream.sleep(Math.min(250, pollMs - slept));
        if (stream.aborted || serverStopping()) break;
        const since = ctx.clock.now() - lateCommitMs;
        const late = (await repo.recent(workspaceId, lastSeq, since)).filter((row) => !sent.has(row.seq));
        for (const row of late) await send(row);
        for (const row of await repo.after(workspaceId, lastSeq)) await send(row);
        for (const [seq, createdAt] of sent) if (createdAt < since) sent.delete(seq);
        if (Date.now() - lastWrite > heartbeatMs) {
          await stream.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
      }
    }, async (error) => {
      // The browser reconnects on its own; the next stream starts from Last-Event-ID.
      ctx.logger.warn('live stream ended by an error', { workspaceId, error: error.message });
    });
  });

  return app;
}
