import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_CLAIM, PG_DISPATCH_PLAN, PG_RECORD, PG_UNBLOCK_NEXT } from '../../server/webhooks/webhook.repository.ts';
import { openSecondConnection } from '../support/test-databases.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

const scansOf = (node: PlanNode): PlanNode[] => [
  ...(node['Relation Name'] === 'webhook_deliveries' && node['Node Type'].endsWith('Scan') ? [node] : []),
  ...(node.Plans ?? []).flatMap(scansOf),
];

/**
 * The dispatcher's statements run as generic plans (PG_DISPATCH_PLAN), made once on whatever the statistics say when
 * they are made. Made while nothing was pending, they must still find every row through an index condition: a walk of
 * a whole index with a filter is harmless on the statistics' empty index and took seconds a claim on a backlog.
 */
describe('the dispatcher’s plans on PostgreSQL', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform('postgres', { env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('claim, outcome and unblock reach every delivery through an index condition on statistics taken while nothing was pending', async () => {
    const ws = await t.createWorkspace();
    const hook = await ws.api.post('/api/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['interview.create'] });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const db = t.database.db;
    // A history of 20,000 delivered events over 200 interviews, nothing pending: what ANALYZE sees between two backlogs.
    await sql`insert into webhook_events (id, workspace_id, interview_id, event, body, created_at)
      select 'plan-event-' || g, ${ws.workspaceId}, 'plan-interview-' || (g % 200), 'interview.create', '{}', 0 from generate_series(1, 20000) g`.execute(db);
    await sql`insert into webhook_deliveries (id, webhook_id, event_seq, interview_id, status, attempts, next_attempt_at, created_at)
      select 'plan-delivery-' || e.seq, ${hook.body.id}, e.seq, e.interview_id, 'succeeded', 1, 0, 0 from webhook_events e where e.id like 'plan-event-%'`.execute(db);
    await sql`analyze webhook_deliveries`.execute(db);
    await sql`analyze webhook_events`.execute(db);

    const now = Date.now();
    const other = openSecondConnection(t.database.target);
    const planOf = (text: string, args: string) =>
      other.transaction().execute(async (trx) => {
        await trx.executeQuery(PG_DISPATCH_PLAN);
        await sql.raw(`prepare dispatch_plan as ${text}`).execute(trx);
        const explained = await sql.raw<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json, costs off) execute dispatch_plan(${args})`).execute(trx);
        await sql.raw('deallocate dispatch_plan').execute(trx);
        return explained.rows[0]!['QUERY PLAN'][0].Plan;
      });
    const ids = "array['plan-delivery-1']";
    const statements = {
      // The due walk, its order test, the followers' walk, each follower's lock and the lease's update.
      claim: { plan: await planOf(PG_CLAIM, `${now}, 32, 'plan-test', ${now + 60_000}, 15`), scans: 5 },
      record: {
        plan: await planOf(PG_RECORD, `array['plan-attempt'], ${ids}, array[1], array[${now}::bigint], array[5], array[200], array[null]::text[], ` +
          `array['ok'], array['succeeded'], array[${now}::bigint], array[null]::text[], array[${now}::bigint], array[true], 'plan-test'`),
        scans: 2,
      },
      unblock: { plan: await planOf(PG_UNBLOCK_NEXT, ids), scans: 3 },
    };

    for (const [name, { plan, scans: expected }] of Object.entries(statements)) {
      const scans = scansOf(plan);
      expect(scans.length, name).toBeGreaterThanOrEqual(expected);
      for (const scan of scans) {
        expect(scan['Node Type'], `${name}: ${JSON.stringify(scan)}`).toMatch(/^Index (Only )?Scan$/);
        expect(scan['Index Cond'], `${name}: ${scan['Index Name']} is walked whole: ${JSON.stringify(scan)}`).toBeDefined();
      }
    }
  });
});
