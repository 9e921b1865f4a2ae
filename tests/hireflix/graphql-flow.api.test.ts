import { createHmac, timingSafeEqual } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from '../../server/media/media-probe.ts';
import { mediaRecorderChunks, outputPath, removeMediaFixtures } from '../support/media-fixtures.ts';
import { databaseKinds } from '../support/test-databases.ts';
import { createPosition, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';
import { completeInterview, dataOf, graphql, startReceiver, type ReceivedEvent } from './hireflix-client.ts';
import { CREATE_WEBHOOK, DELETE_WEBHOOK, DISCARD, INTERVIEW_DOCUMENTED, INVITE_DOCUMENTED, SHORTLIST, TO_EVALUATE, UPDATE_WEBHOOK, WEBHOOKS_AND_SECRET } from './hireflix-queries.ts';

const SECONDS = 3;
const ALL_EVENTS = ['interview.create', 'interview.finish', 'interview.status-change', 'interview.delete', 'interview.score-updated'];

/** Hireflix's own sample verifier: HMAC-SHA256 of the re-serialised body, base64 in x-hireflix-signature. */
function verifiedByHireflixSample(event: ReceivedEvent, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(JSON.stringify(JSON.parse(event.raw))).digest();
  const given = Buffer.from(String(event.headers['x-hireflix-signature']), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe.each(databaseKinds)('an ATS switched from Hireflix, end to end on %s', (kind) => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let chunks: Buffer[];
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const gql = (query: string, variables?: Record<string, unknown>) => graphql(t.url, ws.apiKey, query, variables);
  const invite = async (address: string, positionId: string) =>
    dataOf(await gql(INVITE_DOCUMENTED, { input: { positionId, candidate: { email: address, firstName: 'Casey', lastName: 'Candidate' }, externalId: `ats-${address}`, disableNotifications: true } }))
      .inviteCandidateToInterview;
  const eventsSince = async (count: number) => {
    await t.drainWebhooks();
    return receiver.received.slice(count);
  };

  beforeAll(async () => {
    t = await startTestPlatform(kind, { env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
    ws = await t.createWorkspace();
    chunks = await mediaRecorderChunks(SECONDS);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await t.stop();
    await removeMediaFixtures();
  });

  it('creates its webhook, invites, reads the finished interview with answers that play, and decides, receiving every event', async () => {
    // Like Kula: the user pastes the key and the secret; the ATS then subscribes its own endpoint.
    const { webhookSecret } = dataOf(await gql(WEBHOOKS_AND_SECRET));
    const secret = webhookSecret.secret as string;
    expect(secret).toMatch(/^whsec_/);
    const webhook = dataOf(await gql(CREATE_WEBHOOK, { input: { url: receiver.url, events: ALL_EVENTS } })).createWebhook;
    expect(webhook).toMatchObject({ url: receiver.url, events: ALL_EVENTS, active: true });

    const position = await createPosition(ws.api, 'Field Technician');
    const invited = await invite('casey@example.com', position.id);
    expect(invited).toMatchObject({ __typename: 'InterviewType', status: 'pending' });
    const [created] = await eventsSince(0);
    expect(created!.body).toMatchObject({ event: 'interview.create', data: { id: invited.id, status: 'pending', externalId: 'ats-casey@example.com', position: { id: position.id } } });
    expect(verifiedByHireflixSample(created!, secret)).toBe(true);

    // The candidate records every question through the candidate link; the worker finalises.
    // Processing ends a while after the submit: `completed` is when the candidate submitted, as the contract says.
    await completeInterview(t, invited.url.public, chunks, SECONDS, 7_000);
    const { submittedAt, completedAt } = (await ws.api.get(`/api/interviews/${invited.id}`)).body;
    expect(completedAt - submittedAt).toBe(7_000);
    const finished = await eventsSince(1);
    expect(finished.map((e) => e.body.event)).toEqual(['interview.finish', 'interview.status-change']);
    expect(finished[0]!.body.data).toMatchObject({ id: invited.id, status: 'completed', answered: true, completed: submittedAt, thumbnail: expect.stringContaining('/media/answers/') });
    expect(finished.every((e) => verifiedByHireflixSample(e, secret))).toBe(true);

    const { interview } = dataOf(await gql(INTERVIEW_DOCUMENTED, { id: invited.id }));
    expect(interview).toMatchObject({ id: invited.id, status: 'completed', answered: true, completed: submittedAt, candidate: { email: 'casey@example.com' } });
    expect(interview.questions).toHaveLength(2);
    for (const question of interview.questions) {
      expect(question.answered).toBe(true);
      expect(question.answer.createdAt).toBeTypeOf('number');
      // The URLs play without a session or a key: an ATS embeds or downloads them.
      const video = await fetch(question.answer.url);
      expect(video.status).toBe(200);
      const file = await outputPath('answer.webm');
      await writeFile(file, Buffer.from(await video.arrayBuffer()));
      const probe = await probeMedia(file);
      expect(probe.videoCodec).toBe('vp8');
      expect(probe.hasAudio).toBe(true);
      expect(Math.abs(probe.durationSeconds! - SECONDS)).toBeLessThan(0.5);
      const thumbnail = Buffer.from(await (await fetch(question.answer.thumbnail)).arrayBuffer());
      expect(thumbnail.subarray(0, 2).toString('hex')).toBe('ffd8');
    }
    const cover = await fetch(interview.thumbnail);
    expect(cover.headers.get('content-type')).toBe('image/jpeg');

    const toEvaluate = dataOf(await gql(TO_EVALUATE, { id: position.id })).position.interviewList;
    expect(toEvaluate.results.map((r: any) => r.id)).toEqual([invited.id]);

    expect(dataOf(await gql(SHORTLIST, { id: invited.id })).Interview.finalist).toMatchObject({ status: 'shortlisted', finalist: expect.any(Number) });
    expect(dataOf(await gql(DISCARD, { id: invited.id })).Interview.archive).toMatchObject({ status: 'discarded', discardedAt: expect.any(Number) });
    const decided = await eventsSince(3);
    expect(decided.map((e) => [e.body.event, e.body.data.status])).toEqual([
      ['interview.status-change', 'shortlisted'],
      ['interview.status-change', 'discarded'],
    ]);
    expect(decided[0]!.body.data.finalist).toBeTypeOf('number');
    expect(decided[1]!.body.data).toMatchObject({ archived: expect.any(Number), finalist: null });
    expect(dataOf(await gql(TO_EVALUATE, { id: position.id })).position.interviewList.results).toEqual([]);
  });

  it('updates, lists and deletes its webhook; bad input is refused with field paths', async () => {
    const { webhooks } = dataOf(await gql(WEBHOOKS_AND_SECRET));
    expect(webhooks).toHaveLength(1);
    const id = webhooks[0].id;
    const position = await createPosition(ws.api, 'Second role');

    const narrowed = dataOf(await gql(UPDATE_WEBHOOK, { input: { id, events: ['interview.status-change'] } })).updateWebhook;
    expect(narrowed).toMatchObject({ id, url: receiver.url, events: ['interview.status-change'], active: true });
    const before = receiver.received.length;
    await invite('quiet@example.com', position.id);
    expect(await eventsSince(before)).toEqual([]);

    dataOf(await gql(UPDATE_WEBHOOK, { input: { id, events: ['interview.create'], active: false } }));
    await invite('paused@example.com', position.id);
    expect(await eventsSince(before)).toEqual([]);
    dataOf(await gql(UPDATE_WEBHOOK, { input: { id, active: true } }));
    await invite('heard@example.com', position.id);
    expect((await eventsSince(before)).map((e) => [e.body.event, e.body.data.candidate.email])).toEqual([['interview.create', 'heard@example.com']]);

    const noEvents = await gql(CREATE_WEBHOOK, { input: { url: receiver.url, events: [] } });
    expect(noEvents.body.errors[0].extensions).toMatchObject({ code: 'validation_failed', fields: [{ path: 'events', message: 'subscribe to at least one event' }] });
    const unknownEvent = await gql(CREATE_WEBHOOK, { input: { url: receiver.url, events: ['interview.created'] } });
    expect(unknownEvent.body.errors[0].extensions.fields[0].path).toBe('events.0');
    const notUrl = await gql(CREATE_WEBHOOK, { input: { url: 'not a url', events: ['interview.create'] } });
    expect(notUrl.body.errors[0].extensions).toMatchObject({ code: 'validation_failed', fields: [{ path: 'url' }] });
    const missing = await gql(UPDATE_WEBHOOK, { input: { id: 'nope', active: false } });
    expect(missing.body.errors[0].extensions.code).toBe('not_found');

    // Another workspace's key sees and deletes nothing of this one.
    const other = await t.createWorkspace();
    expect((await graphql(t.url, other.apiKey, WEBHOOKS_AND_SECRET)).body.data.webhooks).toEqual([]);
    expect((await graphql(t.url, other.apiKey, DELETE_WEBHOOK, { id })).body.errors[0].extensions.code).toBe('not_found');
    expect((await graphql(t.url, other.apiKey, WEBHOOKS_AND_SECRET)).body.data.webhookSecret.secret).not.toBe(dataOf(await gql(WEBHOOKS_AND_SECRET)).webhookSecret.secret);

    expect(dataOf(await gql(DELETE_WEBHOOK, { id })).deleteWebhook).toBe(id);
    expect(dataOf(await gql(WEBHOOKS_AND_SECRET)).webhooks).toEqual([]);
  });
});
