import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerFinalizer } from '../../server/answers/answer-finalizer.ts';
import { AnswerRepository } from '../../server/answers/answer.repository.ts';
import { InterviewCompletion } from '../../server/answers/interview-completion.ts';
import { answerChunkFolder, chunkKey, interviewFolder } from '../../server/answers/recording-limits.ts';
import { probeMedia } from '../../server/media/media-probe.ts';
import { StorageGarbage } from '../../server/storage/storage-garbage.ts';
import { ABORT_UNFINISHED_UPLOADS_JOB } from '../../server/storage/multipart-journal.ts';
import { chromiumH264Matroska, mediaRecorderChunks, outputPath, removeMediaFixtures } from '../support/media-fixtures.ts';
import { packetsOf } from '../support/media-packets.ts';
import { databaseKinds } from '../support/test-databases.ts';
import { ApiClient, createPosition, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

const WEBM = 'video/webm;codecs=vp8,opus';
const SECONDS = 4;

/** Runs on both databases with local storage, and once on PostgreSQL with S3 (s3rver). */
const setups = [...databaseKinds.map((kind) => ({ kind, storage: 'local' as const })), { kind: 'postgres' as const, storage: 's3' as const }];

describe.each(setups)('recording API on $kind with $storage storage', ({ kind, storage }) => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let chunks: Buffer[];

  beforeAll(async () => {
    t = await startTestPlatform(kind, { storage });
    ws = await t.createWorkspace();
    chunks = await mediaRecorderChunks(SECONDS);
  });
  afterAll(async () => {
    await t.stop();
    await removeMediaFixtures();
  });

  async function invite(email = `c${randomBytes(4).toString('hex')}@example.com`) {
    const position = await createPosition(ws.api);
    const res = await ws.api.post(`/api/positions/${position.id}/interviews`, { name: 'Casey Candidate', email, sendEmail: false });
    expect(res.status).toBe(201);
    const token = res.body.url.public.split('/i/')[1] as string;
    const candidate = new ApiClient(t.url);
    const state = (await candidate.get(`/api/candidate/${token}`)).body;
    return { interview: res.body, token, candidate, questions: state.questions as { id: string; retakes: number }[] };
  }

  const put = (client: ApiClient, token: string, answerId: string, seq: number, body: Buffer) =>
    client.request('PUT', `/api/candidate/${token}/answers/${answerId}/chunks/${seq}`, body, { 'content-type': 'application/octet-stream' });

  /** A PUT whose body of `total` bytes goes out in 64 KiB pieces with chunked transfer encoding: no Content-Length. */
  function chunkedPut(token: string, answerId: string, seq: number, total: number): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${t.url}/api/candidate/${token}/answers/${answerId}/chunks/${seq}`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(parts).toString('utf8') || 'null') }));
      });
      req.on('error', reject);
      const piece = Buffer.alloc(64 * 1024, 7);
      let sent = 0;
      const write = () => {
        while (sent < total) {
          const next = piece.subarray(0, Math.min(piece.byteLength, total - sent));
          sent += next.byteLength;
          if (!req.write(next)) return void req.once('drain', write);
        }
        req.end();
      };
      write();
    });
  }

  async function recordTake(client: ApiClient, token: string, questionId: string, order = chunks.map((_, i) => i)) {
    const take = await client.post(`/api/candidate/${token}/questions/${questionId}/takes`, { mimeType: WEBM });
    expect(take.status).toBe(201);
    for (const seq of order) expect((await put(client, token, take.body.answerId, seq, chunks[seq]!)).status).toBe(201);
    return take.body.answerId as string;
  }

  it('records, finalises and plays a whole interview, with a retake and chunks out of order and twice', async () => {
    const { interview, token, candidate, questions } = await invite();
    const [q1, q2] = questions;
    // Question 1 allows one retake: the first take is replaced.
    const first = await recordTake(candidate, token, q1!.id);
    const second = await recordTake(candidate, token, q1!.id, [...chunks.keys()].reverse());
    const again = await put(candidate, token, second, 1, chunks[1]!);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ seq: 1, duplicate: true });
    const held = await candidate.get(`/api/candidate/${token}/answers/${second}/chunks`);
    expect(held.body.receivedChunks).toEqual([...chunks.keys()]);
    expect(held.body.bytesReceived).toBe(chunks.reduce((n, c) => n + c.byteLength, 0));
    const noMore = await candidate.post(`/api/candidate/${token}/questions/${q1!.id}/takes`, { mimeType: WEBM });
    expect(noMore.status).toBe(409);
    expect(noMore.body.error.code).toBe('no_retakes_left');
    expect((await candidate.post(`/api/candidate/${token}/answers/${second}/submit`, { chunkCount: chunks.length, recordedMs: SECONDS * 1000 })).status).toBe(200);
    expect((await candidate.get(`/api/candidate/${token}/answers/${first}/chunks`)).body.status).toBe('discarded');
    const late = await put(candidate, token, first, chunks.length, chunks[0]!);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('take_replaced');

    const last = await recordTake(candidate, token, q2!.id);
    const missing = await candidate.post(`/api/candidate/${token}/answers/${last}/submit`, { chunkCount: chunks.length + 2 });
    expect(missing.status).toBe(409);
    expect(missing.body.error).toMatchObject({ code: 'missing_chunks', missing: [chunks.length, chunks.length + 1] });
    const submitted = await candidate.post(`/api/candidate/${token}/answers/${last}/submit`, { chunkCount: chunks.length });
    expect(submitted.body.submitted).toBe(true);
    expect((await ws.api.get(`/api/interviews/${interview.id}`)).body.status).toBe('in_progress');
    // Uploads a crash cut short between storing the chunk and recording it: objects no row names.
    const storageBackend = t.running.platform.services.storage;
    for (const answerId of [first, second]) await storageBackend.put(chunkKey(interview.id, answerId, 0, 'crashed'), chunks[0]!);

    await t.drainJobs();
    const done = await ws.api.get(`/api/interviews/${interview.id}`);
    expect(done.body.status).toBe('completed');
    expect(done.body.completedAt).toBeTypeOf('number');
    const answers = (await ws.api.get(`/api/interviews/${interview.id}/answers`)).body.items;
    expect(answers).toHaveLength(2);
    // Each answer is the recording's packets, once each and in order, whatever order and however often chunks came.
    const recordingFile = await outputPath('recording.webm');
    await writeFile(recordingFile, Buffer.concat(chunks));
    const recordingPackets = await packetsOf(recordingFile);
    for (const item of answers) {
      expect(item.answer.status).toBe('ready');
      expect(Math.abs(item.answer.durationSeconds - SECONDS)).toBeLessThan(0.5);
      const video = await fetch(item.answer.videoUrl);
      expect(video.status).toBe(200);
      const file = await outputPath('answer.webm');
      await writeFile(file, Buffer.from(await video.arrayBuffer()));
      expect(await packetsOf(file)).toEqual(recordingPackets);
      const probe = await probeMedia(file);
      expect(Math.abs(probe.durationSeconds! - SECONDS)).toBeLessThan(0.5);
      expect(probe.videoCodec).toBe('vp8');
      const thumb = Buffer.from(await (await fetch(item.answer.thumbnailUrl)).arrayBuffer());
      expect(thumb.subarray(0, 2).toString('hex')).toBe('ffd8');
      expect(thumb.subarray(-2).toString('hex')).toBe('ffd9');
    }
    expect(answers[0].answer.id).toBe(second);
    // Chunks are gone from the database and, after garbage collection, from storage.
    const chunkRows = await t.database.db.selectFrom('answer_chunks').selectAll().execute();
    expect(chunkRows.filter((r) => [first, second, last].includes(r.answer_id))).toEqual([]);
    expect(await t.database.db.selectFrom('storage_garbage').selectAll().execute()).toEqual([]);
    // Nothing is left in the takes' chunk folders, recorded or not: the replaced take's, and the answers'.
    for (const answerId of [first, second, last]) expect(await storageBackend.deleteFolder(answerChunkFolder(interview.id, answerId))).toBe(0);
    // The reviewer (here: the owners) is told.
    const emails = (await ws.api.get(`/api/emails?interviewId=${interview.id}`)).body.items;
    expect(emails.map((e: any) => e.kind)).toContain('completed');
    // After submission the link says it is complete and refuses new takes.
    const closed = await candidate.post(`/api/candidate/${token}/questions/${q1!.id}/takes`, { mimeType: WEBM });
    expect(closed.status).toBe(410);
    expect(closed.body.error.code).toBe('invitation_completed');
  });

  it('serves answers with Range, only with a valid signature or a session of the workspace', async () => {
    const { interview, token, candidate, questions } = await invite();
    for (const q of questions) {
      const answerId = await recordTake(candidate, token, q.id);
      await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length });
    }
    await t.drainJobs();
    const [item] = (await ws.api.get(`/api/interviews/${interview.id}/answers`)).body.items;
    const signed = new URL(item.answer.videoUrl);
    const whole = Buffer.from(await (await fetch(signed)).arrayBuffer());
    const ranged = await fetch(signed, { headers: { range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 100-199/${whole.byteLength}`);
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(whole.subarray(100, 200));
    const tail = await fetch(signed, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(whole.subarray(-10));
    expect((await fetch(signed, { headers: { range: `bytes=${whole.byteLength}-` } })).status).toBe(416);

    const path = signed.pathname;
    expect((await fetch(`${t.url}${path}`)).status).toBe(401);
    const tampered = new URL(signed);
    tampered.searchParams.set('signature', 'x'.repeat(43));
    expect((await fetch(tampered)).status).toBe(401);
    expect((await ws.session.get(path)).status).toBe(200);
    const sessionRanged = await ws.session.get(path, { range: 'bytes=100-199' });
    expect(sessionRanged.status).toBe(206);
    expect(sessionRanged.headers.get('content-range')).toBe(`bytes 100-199/${whole.byteLength}`);
    const stranger = await t.createWorkspace();
    expect((await stranger.session.get(path)).status).toBe(404);
    t.clock.advance(25 * 3600_000);
    expect((await fetch(signed)).status).toBe(401);
    t.clock.advance(-25 * 3600_000);
  });

  it('starting a take again before its first chunk returns the same take and spends no retake', async () => {
    const { token, candidate, questions } = await invite();
    const q = questions[0]!;
    const a = await candidate.post(`/api/candidate/${token}/questions/${q.id}/takes`, { mimeType: WEBM });
    const again = await candidate.post(`/api/candidate/${token}/questions/${q.id}/takes`, { mimeType: WEBM });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(a.body);
    expect(a.body).toMatchObject({ take: 1, takesLeft: q.retakes });
    await put(candidate, token, a.body.answerId, 0, chunks[0]!);
    const retake = await candidate.post(`/api/candidate/${token}/questions/${q.id}/takes`, { mimeType: WEBM });
    expect(retake.body).toMatchObject({ take: 2, takesLeft: q.retakes - 1 });
    expect(retake.body.answerId).not.toBe(a.body.answerId);
  });

  it('a retake of the take the device recorded is a new take, even before that take\'s first chunk arrives', async () => {
    const { token, candidate, questions } = await invite();
    const q = questions[0]!;
    const first = (await candidate.post(`/api/candidate/${token}/questions/${q.id}/takes`, { mimeType: WEBM })).body;
    // Recorded on the device, its pieces still on their way: "Record again" names it, and gets a take of its own.
    const retake = await candidate.post(`/api/candidate/${token}/questions/${q.id}/takes`, { mimeType: WEBM, replacesAnswerId: first.answerId });
    expect(retake.status).toBe(201);
    expect(retake.body).toMatchObject({ take: 2, takesLeft: q.retakes - 1 });
    expect(retake.body.answerId).not.toBe(first.answerId);
    // The same request again (its answer lost on the way) hands back that take and spends nothing.
    const retried = await candidate.post(`/api/candidate/${token}/questions/${q.id}/takes`, { mimeType: WEBM, replacesAnswerId: first.answerId });
    expect(retried.body).toEqual(retake.body);
    // The first take's late pieces are refused, not mixed into the new one.
    const late = await put(candidate, token, first.answerId, 0, chunks[0]!);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('take_replaced');
    expect((await put(candidate, token, retake.body.answerId, 0, chunks[0]!)).status).toBe(201);
    expect((await candidate.get(`/api/candidate/${token}`)).body.questions[0]).toMatchObject({ takesUsed: 2, openTake: { answerId: retake.body.answerId, receivedChunks: [0] } });
  });

  it('a submit that meets a retake started after it read the take says the take was replaced', async () => {
    const { token, candidate, questions } = await invite();
    const q = questions[0]!;
    const answerId = await recordTake(candidate, token, q.id);
    let retake: { status: number; body: any } | undefined;
    // Another device starts a retake between the submit's last read of the take (its chunks) and its transaction.
    const chunksOf = AnswerRepository.prototype.chunksOf;
    AnswerRepository.prototype.chunksOf = async function (this: AnswerRepository, ...args) {
      AnswerRepository.prototype.chunksOf = chunksOf;
      const held = await chunksOf.apply(this, args);
      retake = await candidate.post(`/api/candidate/${token}/questions/${q.id}/takes`, { mimeType: WEBM });
      return held;
    };
    let submitted;
    try {
      submitted = await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length });
    } finally {
      AnswerRepository.prototype.chunksOf = chunksOf;
    }
    expect(retake?.status).toBe(201);
    expect(submitted.status).toBe(409);
    expect(submitted.body.error.code).toBe('take_replaced');
    expect((await candidate.get(`/api/candidate/${token}/answers/${answerId}/chunks`)).body.status).toBe('discarded');
    expect((await candidate.get(`/api/candidate/${token}`)).body.questions[0].answered).toBe(false);
  });

  it('a closed link says only that it is closed: no questions, intro or name', async () => {
    const { interview, token, candidate } = await invite();
    expect((await candidate.get(`/api/candidate/${token}`)).body.questions.length).toBeGreaterThan(0);
    expect((await ws.api.post(`/api/interviews/${interview.id}/cancel`)).status).toBe(200);
    const closed = await candidate.get(`/api/candidate/${token}`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'cancelled', candidateFirstName: '', position: { introMessage: '' }, questions: [] });
    expect(closed.body.position.name).toBe(interview.position.name);
  });

  it('hands out a question\'s text when its turn comes, and counts its think time from then by the server clock', async () => {
    const { interview, token, candidate, questions } = await invite();
    const [q1, q2] = [questions[0]!, questions[1]!];
    const view = async () => (await candidate.get(`/api/candidate/${token}`)).body;
    const unopened = { title: '', description: '', opened: false, thinkTimeLeftSeconds: null };
    expect((await view()).questions).toMatchObject([unopened, unopened]);
    // Not before the questions ahead of it were recorded.
    const early = await candidate.post(`/api/candidate/${token}/questions/${q2.id}/open`, {});
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('question_not_current');
    expect((await view()).questions[1]).toMatchObject(unopened);

    const opened = await candidate.post(`/api/candidate/${token}/questions/${q1.id}/open`, {});
    expect(opened.status).toBe(200);
    expect(opened.body.status).toBe('in_progress');
    expect(opened.body.questions).toMatchObject([{ title: 'Tell us about yourself', opened: true, thinkTimeSeconds: 10, thinkTimeLeftSeconds: 10 }, unopened]);
    // A reload (or the same call again) 4 s later resumes the think time; it does not start over.
    t.clock.advance(4000);
    expect((await candidate.post(`/api/candidate/${token}/questions/${q1.id}/open`, {})).body.questions[0].thinkTimeLeftSeconds).toBe(6);
    t.clock.advance(60_000);
    expect((await view()).questions[0].thinkTimeLeftSeconds).toBe(0);

    // Recording the first question brings the second's turn, before its upload and submit are done.
    expect((await candidate.post(`/api/candidate/${token}/questions/${q1.id}/takes`, { mimeType: WEBM })).status).toBe(201);
    const second = await candidate.post(`/api/candidate/${token}/questions/${q2.id}/open`, {});
    expect(second.status).toBe(200);
    expect(second.body.questions[1]).toMatchObject({ title: 'Why this role?', description: 'Be specific.', opened: true, thinkTimeLeftSeconds: 0 });
    expect((await ws.api.get(`/api/interviews/${interview.id}`)).body.status).toBe('in_progress');
  });

  it('counts a question recorded without being opened first as opened', async () => {
    const { token, candidate, questions } = await invite();
    expect((await candidate.post(`/api/candidate/${token}/questions/${questions[0]!.id}/takes`, { mimeType: WEBM })).status).toBe(201);
    expect((await candidate.get(`/api/candidate/${token}`)).body.questions[0]).toMatchObject({ title: 'Tell us about yourself', opened: true });
    const question = await t.database.db.selectFrom('interview_questions').select('opened_at').where('id', '=', questions[0]!.id).executeTakeFirstOrThrow();
    expect(Number(question.opened_at)).toBe(t.clock.now());
  });

  it('refuses bad uploads and changes nothing', async () => {
    const a = await invite();
    const b = await invite();
    const take = (await a.candidate.post(`/api/candidate/${a.token}/questions/${a.questions[0]!.id}/takes`, { mimeType: WEBM })).body.answerId;
    const wrongToken = await put(a.candidate, 'x'.repeat(43), take, 0, chunks[0]!);
    expect(wrongToken.status).toBe(404);
    expect(wrongToken.body.error.code).toBe('link_not_found');
    const othersAnswer = await put(b.candidate, b.token, take, 0, chunks[0]!);
    expect(othersAnswer.status).toBe(404);
    expect(othersAnswer.body.error.code).toBe('answer_not_found');
    const huge = await put(a.candidate, a.token, take, 0, Buffer.alloc(8 * 1024 * 1024 + 1));
    expect(huge.status).toBe(413);
    // The same without a declared length: counted as it streams in, and refused at the bound.
    const hugeChunked = await chunkedPut(a.token, take, 0, 8 * 1024 * 1024 + 1);
    expect(hugeChunked.status).toBe(413);
    expect(hugeChunked.body.error.code).toBe(huge.body.error.code);
    expect((await a.candidate.get(`/api/candidate/${a.token}/answers/${take}/chunks`)).body.receivedChunks).toEqual([]);
    // Nor is anything of the refused bodies left in storage.
    expect(await t.running.platform.services.storage.deleteFolder(answerChunkFolder(a.interview.id, take))).toBe(0);
    const badMime = await a.candidate.post(`/api/candidate/${a.token}/questions/${a.questions[1]!.id}/takes`, { mimeType: 'text/html' });
    expect(badMime.status).toBe(400);
    expect((await put(a.candidate, a.token, take, 0, chunks[0]!)).status).toBe(201);
    // Retries resend the same bytes; a body of another length for a held sequence number is a client bug.
    const conflict = await put(a.candidate, a.token, take, 0, chunks[1]!.subarray(0, 1000));
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('chunk_conflict');
    await a.candidate.post(`/api/candidate/${a.token}/answers/${take}/submit`, { chunkCount: 1 });
    const afterSubmit = await put(a.candidate, a.token, take, 1, chunks[1]!);
    expect(afterSubmit.status).toBe(409);
    expect(afterSubmit.body.error.code).toBe('answer_submitted');

    const bTake = (await b.candidate.post(`/api/candidate/${b.token}/questions/${b.questions[0]!.id}/takes`, { mimeType: WEBM })).body.answerId;
    await ws.api.post(`/api/interviews/${b.interview.id}/cancel`);
    const cancelled = await b.candidate.post(`/api/candidate/${b.token}/questions/${b.questions[0]!.id}/takes`, { mimeType: WEBM });
    expect(cancelled.status).toBe(410);
    expect(cancelled.body.error.code).toBe('invitation_cancelled');
    const chunkAfterCancel = await put(b.candidate, b.token, bTake, 0, chunks[0]!);
    expect(chunkAfterCancel.status).toBe(410);
    expect(chunkAfterCancel.body.error.code).toBe('invitation_cancelled');
  });

  /** A PUT of chunk `seq` whose first bytes go out now and the rest when `finish` is called: an upload still streaming. */
  function slowPut(token: string, answerId: string, seq: number, body: Buffer) {
    let finish!: () => void;
    const reply = new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = http.request(`${t.url}/api/candidate/${token}/answers/${answerId}/chunks/${seq}`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.byteLength) } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(parts).toString('utf8') || 'null') }));
      });
      req.on('error', reject);
      req.write(body.subarray(0, 10));
      finish = () => req.end(body.subarray(10));
    });
    return { reply, finish: () => finish() };
  }

  it('a second upload of a chunk still streaming when the first is recorded neither replaces nor deletes it, before or after submit', async () => {
    const { interview, token, candidate, questions } = await invite();
    const answerId = (await candidate.post(`/api/candidate/${token}/questions/${questions[0]!.id}/takes`, { mimeType: WEBM })).body.answerId as string;
    // Retries of chunks 1 and 2 (the app thought the first sends were lost) start, and are checked, before those are recorded:
    // one with other bytes of the same length, which ends while the take records, one that ends after the submit.
    const otherBytes = slowPut(token, answerId, 1, Buffer.alloc(chunks[1]!.byteLength, 9));
    const late = slowPut(token, answerId, 2, chunks[2]!);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const [seq, chunk] of chunks.entries()) expect((await put(candidate, token, answerId, seq, chunk)).status).toBe(201);
    otherBytes.finish();
    // The same length: taken for the retry it claims to be, and the held bytes stay.
    expect(await otherBytes.reply).toMatchObject({ status: 200, body: { seq: 1, duplicate: true } });
    expect((await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length })).status).toBe(200);
    late.finish();
    expect(await late.reply).toMatchObject({ status: 409, body: { error: { code: 'answer_submitted' } } });
    // The clean-up those two queued runs before the finaliser (as when the worker is behind): it removes only their own objects.
    await t.database.db.updateTable('jobs').set({ run_at: t.clock.now() + 60_000 }).where('name', '=', 'answer.finalize').where('status', '=', 'queued').execute();
    await t.drainJobs();
    const storageBackend = t.running.platform.services.storage;
    const keys = await chunkKeysOf(answerId);
    for (const [seq, key] of keys.entries()) {
      const { stream } = await storageBackend.read(key);
      const parts: Buffer[] = [];
      for await (const part of stream) parts.push(part as Buffer);
      expect(Buffer.concat(parts).equals(chunks[seq]!)).toBe(true);
    }
    t.clock.advance(60_000);
    await t.drainJobs();
    const [item] = (await ws.api.get(`/api/interviews/${interview.id}/answers`)).body.items;
    expect(item.answer.status).toBe('ready');
    expect(Math.abs(item.answer.durationSeconds - SECONDS)).toBeLessThan(0.5);
  });

  it('uploads at once cannot take an answer past its size bound', async () => {
    const position = await ws.api.post('/api/positions', { name: 'Short', questions: [{ title: 'Quick', maxAnswerSeconds: 5 }] });
    const inv = await ws.api.post(`/api/positions/${position.body.id}/interviews`, { name: 'Pat Parallel', email: `p${randomBytes(4).toString('hex')}@example.com`, sendEmail: false });
    const token = inv.body.url.public.split('/i/')[1];
    const client = new ApiClient(t.url);
    const state = await client.get(`/api/candidate/${token}`);
    const take = (await client.post(`/api/candidate/${token}/questions/${state.body.questions[0].id}/takes`, { mimeType: WEBM })).body.answerId;
    const block = Buffer.alloc(7 * 1024 * 1024, 1);
    // Twelve 7 MiB chunks at once against a bound of about 22.9 MB: each alone would fit.
    const replies = await Promise.all(Array.from({ length: 12 }, (_, seq) => put(client, token, take, seq, block)));
    const stored = replies.filter((r) => r.status === 201).length;
    expect(stored).toBeLessThanOrEqual(3);
    expect(replies.filter((r) => r.status === 413)).toHaveLength(12 - stored);
    const held = (await client.get(`/api/candidate/${token}/answers/${take}/chunks`)).body;
    expect(held.receivedChunks).toHaveLength(stored);
    expect(held.bytesReceived).toBe(stored * block.byteLength);
  });

  it('a second upload of a held chunk near the size bound is a duplicate, not too large', async () => {
    const position = await ws.api.post('/api/positions', { name: 'Short', questions: [{ title: 'Quick', maxAnswerSeconds: 5 }] });
    const inv = await ws.api.post(`/api/positions/${position.body.id}/interviews`, { name: 'Dee Duplicate', email: `d${randomBytes(4).toString('hex')}@example.com`, sendEmail: false });
    const token = inv.body.url.public.split('/i/')[1];
    const client = new ApiClient(t.url);
    const state = await client.get(`/api/candidate/${token}`);
    const take = (await client.post(`/api/candidate/${token}/questions/${state.body.questions[0].id}/takes`, { mimeType: WEBM })).body.answerId;
    const block = Buffer.alloc(7 * 1024 * 1024, 1);
    for (const seq of [0, 1]) expect((await put(client, token, take, seq, block)).status).toBe(201);
    // A retry of chunk 2 starts before the first upload of it lands; together they would not fit.
    const retry = slowPut(token, take, 2, block);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await put(client, token, take, 2, block)).status).toBe(201);
    retry.finish();
    expect(await retry.reply).toMatchObject({ status: 200, body: { seq: 2, duplicate: true } });
    expect((await client.get(`/api/candidate/${token}/answers/${take}/chunks`)).body).toMatchObject({ receivedChunks: [0, 1, 2], bytesReceived: 3 * block.byteLength });
  });

  it('two retakes of a question started at once make one take', async () => {
    const { token, candidate, questions } = await invite();
    const q = questions[0]!;
    const first = (await candidate.post(`/api/candidate/${token}/questions/${q.id}/takes`, { mimeType: WEBM })).body.answerId;
    expect((await put(candidate, token, first, 0, chunks[0]!)).status).toBe(201);
    const [a, b] = await Promise.all([0, 1].map(() => candidate.post(`/api/candidate/${token}/questions/${q.id}/takes`, { mimeType: WEBM })));
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body).toEqual(b.body);
    expect(a.body).toMatchObject({ take: 2, takesLeft: q.retakes - 1 });
  });

  it('the last answers submitted and finalised at once complete the interview', async () => {
    for (let round = 0; round < 4; round++) {
      const { interview, token, candidate, questions } = await invite();
      const answerIds = [await recordTake(candidate, token, questions[0]!.id), await recordTake(candidate, token, questions[1]!.id)];
      const submits = await Promise.all(answerIds.map((id) => candidate.post(`/api/candidate/${token}/answers/${id}/submit`, { chunkCount: chunks.length })));
      expect(submits.map((r) => r.status)).toEqual([200, 200]);
      expect((await candidate.get(`/api/candidate/${token}`)).body.submitted).toBe(true);
      // Two workers finalise the two answers at the same time.
      const worker = t.running.platform.worker;
      await Promise.all([worker.runNext(), worker.runNext()]);
      await t.drainJobs();
      const answers = (await ws.api.get(`/api/interviews/${interview.id}/answers`)).body.items;
      expect(answers.map((item: any) => item.answer.status)).toEqual(['ready', 'ready']);
      expect((await ws.api.get(`/api/interviews/${interview.id}`)).body.status).toBe('completed');
    }
  });

  it('an interview the candidate submitted cannot be cancelled, reminded or edited while its answers are processed, and completes', async () => {
    const { interview, token, candidate, questions } = await invite();
    for (const q of questions) {
      const answerId = await recordTake(candidate, token, q.id);
      await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length });
    }
    const detail = (await ws.api.get(`/api/interviews/${interview.id}`)).body;
    expect(detail).toMatchObject({ status: 'in_progress', submittedAt: expect.any(Number) });
    const cancel = await ws.api.post(`/api/interviews/${interview.id}/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error).toMatchObject({ code: 'invalid_state', message: expect.stringContaining('being processed') });
    const resend = await ws.api.post(`/api/interviews/${interview.id}/resend`);
    expect(resend.status).toBe(409);
    const edit = await ws.api.patch(`/api/interviews/${interview.id}`, { email: 'someone-else@example.com', firstName: 'Changed', expiresAt: t.clock.now() + 3 * 86_400_000 });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('interview_locked');
    expect((await ws.api.get(`/api/interviews/${interview.id}`)).body).toMatchObject({ candidate: detail.candidate, expiresAt: detail.expiresAt, updatedAt: detail.updatedAt });
    await t.drainJobs();
    expect((await ws.api.get(`/api/interviews/${interview.id}`)).body.status).toBe('completed');
  });

  it('an interview whose assigned reviewer left the workspace is announced to the owners when it completes', async () => {
    const reviewer = await t.joinMember(ws, 'reviewer');
    const position = await createPosition(ws.api);
    const res = await ws.api.post(`/api/positions/${position.id}/interviews`, { name: 'Rae Reviewed', email: `rae${randomBytes(4).toString('hex')}@example.com`, sendEmail: false, reviewerId: reviewer.userId });
    expect(res.body.reviewerId).toBe(reviewer.userId);
    expect((await ws.session.delete(`/api/members/${reviewer.userId}`)).status).toBe(204);
    expect((await ws.api.get(`/api/interviews/${res.body.id}`)).body.reviewerId).toBeNull();
    const token = res.body.url.public.split('/i/')[1] as string;
    const candidate = new ApiClient(t.url);
    for (const q of (await candidate.get(`/api/candidate/${token}`)).body.questions as { id: string }[]) {
      const answerId = await recordTake(candidate, token, q.id);
      expect((await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length })).status).toBe(200);
    }
    await t.drainJobs();
    const emails = (await ws.api.get(`/api/emails?interviewId=${res.body.id}`)).body.items;
    expect(emails.filter((e: any) => e.kind === 'completed').map((e: any) => e.to)).toEqual([ws.owner.email]);
  });

  it('a submit that meets a cancel made after the link was read submits nothing', async () => {
    const { interview, token, candidate, questions } = await invite();
    const answerId = await recordTake(candidate, token, questions[0]!.id);
    const candidates = t.running.platform.services.candidates;
    const open = candidates.open;
    // The recruiter cancels between the submit's read of the link and its transaction.
    candidates.open = async function (this: typeof candidates, ...args) {
      const row = await open.apply(this, args);
      expect((await ws.api.post(`/api/interviews/${interview.id}/cancel`)).status).toBe(200);
      return row;
    };
    let submitted;
    try {
      submitted = await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length });
    } finally {
      candidates.open = open;
    }
    expect(submitted.status).toBe(410);
    expect(submitted.body.error.code).toBe('invitation_cancelled');
    expect((await candidate.get(`/api/candidate/${token}/answers/${answerId}/chunks`)).body.status).toBe('recording');
    expect((await ws.api.get(`/api/interviews/${interview.id}`)).body).toMatchObject({ status: 'cancelled', submittedAt: null });
  });

  it('an interview submitted before its deadline is not expired by a sweep that read it just before', async () => {
    const position = await createPosition(ws.api);
    const res = await ws.api.post(`/api/positions/${position.id}/interviews`, { name: 'Just Intime', email: `intime${randomBytes(4).toString('hex')}@example.com`, sendEmail: false, expiresAt: t.clock.now() + 60_000 });
    const token = res.body.url.public.split('/i/')[1] as string;
    const candidate = new ApiClient(t.url);
    const questions = (await candidate.get(`/api/candidate/${token}`)).body.questions as { id: string }[];
    for (const q of questions) {
      const answerId = await recordTake(candidate, token, q.id);
      expect((await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length })).status).toBe(200);
    }
    t.clock.advance(61_000);
    // What the sweep does with a row it found due a moment before the candidate submitted.
    const expiry = (t.running.platform.services.interviews as unknown as { expiry: { expire(workspaceId: string, id: string): Promise<number> } }).expiry;
    expect(await expiry.expire(ws.workspaceId, res.body.id)).toBe(0);
    await t.drainJobs();
    expect((await ws.api.get(`/api/interviews/${res.body.id}`)).body).toMatchObject({ status: 'completed', expiredAt: null });
  });

  it('a candidate request with a JSON body over 2 MiB is refused before anything is read', async () => {
    const { token, candidate, questions } = await invite();
    const huge = await candidate.request('POST', `/api/candidate/${token}/questions/${questions[0]!.id}/takes`, Buffer.alloc(3 * 1024 * 1024, 32), { 'content-type': 'application/json' });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    expect((await candidate.get(`/api/candidate/${token}`)).body.questions[0].openTake).toBeNull();
  });

  it('a chunk after the deadline expires the invitation on the spot and is refused', async () => {
    const position = await createPosition(ws.api);
    const res = await ws.api.post(`/api/positions/${position.id}/interviews`, { name: 'Lou Late', email: `late${randomBytes(4).toString('hex')}@example.com`, sendEmail: false, expiresAt: t.clock.now() + 60_000 });
    expect(res.status).toBe(201);
    const token = res.body.url.public.split('/i/')[1] as string;
    const candidate = new ApiClient(t.url);
    const questions = (await candidate.get(`/api/candidate/${token}`)).body.questions;
    const take = (await candidate.post(`/api/candidate/${token}/questions/${questions[0].id}/takes`, { mimeType: WEBM })).body.answerId;
    expect((await put(candidate, token, take, 0, chunks[0]!)).status).toBe(201);
    t.clock.advance(61_000);
    const late = await put(candidate, token, take, 1, chunks[1]!);
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('invitation_expired');
    expect((await ws.api.get(`/api/interviews/${res.body.id}`)).body.status).toBe('expired');
    expect((await candidate.get(`/api/candidate/${token}/answers/${take}/chunks`)).body.receivedChunks).toEqual([0]);
  });

  it('an answer too large for its time limit gets 413 and is not stored', async () => {
    const position = await ws.api.post('/api/positions', { name: 'Short', questions: [{ title: 'Quick', maxAnswerSeconds: 5 }] });
    const inv = await ws.api.post(`/api/positions/${position.body.id}/interviews`, { name: 'Sam Short', email: 'short@example.com', sendEmail: false });
    const token = inv.body.url.public.split('/i/')[1];
    const client = new ApiClient(t.url);
    const state = await client.get(`/api/candidate/${token}`);
    const take = (await client.post(`/api/candidate/${token}/questions/${state.body.questions[0].id}/takes`, { mimeType: WEBM })).body.answerId;
    const block = Buffer.alloc(7 * 1024 * 1024, 1);
    // (5 s + 10 s slack) × 1.25 MB/s + 4 MiB ≈ 22.9 MB: the fourth 7 MiB block does not fit.
    for (let seq = 0; seq < 3; seq++) expect((await put(client, token, take, seq, block)).status).toBe(201);
    const over = await put(client, token, take, 3, block);
    expect(over.status).toBe(413);
    const held = await client.get(`/api/candidate/${token}/answers/${take}/chunks`);
    expect(held.body.receivedChunks).toEqual([0, 1, 2]);
  });

  it('a recording ffmpeg cannot read fails with a recorded error and the interview is not completed', async () => {
    const { interview, token, candidate, questions } = await invite();
    for (const q of questions) {
      const answerId = (await candidate.post(`/api/candidate/${token}/questions/${q.id}/takes`, { mimeType: WEBM })).body.answerId;
      await put(candidate, token, answerId, 0, randomBytes(50_000));
      await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: 1 });
    }
    for (let i = 0; i < 6; i++) {
      await t.drainJobs();
      t.clock.advance(20 * 60_000);
    }
    const answers = (await ws.api.get(`/api/interviews/${interview.id}/answers`)).body.items;
    for (const item of answers) {
      expect(item.answer.status).toBe('failed');
      expect(item.answer.processingError).toMatch(/ffprobe|ffmpeg/);
    }
    expect((await ws.api.get(`/api/interviews/${interview.id}`)).body.status).toBe('in_progress');
    // Retried before it was given up on: five tries, the error of the last kept.
    const attempts = await t.database.db.selectFrom('answers').select('processing_attempts').where('interview_id', '=', interview.id).where('status', '=', 'failed').execute();
    expect(attempts.map((a) => a.processing_attempts)).toEqual([5, 5]);
    expect((await t.anonymous().get('/healthz')).status).toBe(200);
    // Nothing left processing and nothing that will complete: the recruiter can close it.
    const cancel = await ws.api.post(`/api/interviews/${interview.id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('cancelled');
  });

  it('an answer that failed every attempt is processed again on an admin\'s request, from the chunks it kept', async () => {
    const { interview, token, candidate, questions } = await invite();
    const answerIds: string[] = [];
    for (const q of questions) answerIds.push(await recordTake(candidate, token, q.id));
    const [lost, kept] = answerIds as [string, string];
    // The storage loses sight of one answer's chunks for longer than its retries last (recorded under keys it does not have).
    const keys = await chunkKeysOf(lost);
    const recordChunkKeys = async (keyOf: (key: string) => string) => {
      for (const [seq, key] of keys.entries()) {
        await t.database.db.updateTable('answer_chunks').set({ storage_key: keyOf(key) }).where('answer_id', '=', lost).where('seq', '=', seq).execute();
      }
    };
    await recordChunkKeys((key) => `${key}-gone`);
    for (const id of answerIds) await candidate.post(`/api/candidate/${token}/answers/${id}/submit`, { chunkCount: chunks.length });
    for (let i = 0; i < 6; i++) {
      await t.drainJobs();
      t.clock.advance(20 * 60_000);
    }
    const before = Object.fromEntries((await ws.api.get(`/api/interviews/${interview.id}/answers`)).body.items.map((item: any) => [item.answer.id, item.answer]));
    expect(before[lost]).toMatchObject({ status: 'failed', processingError: expect.any(String) });
    expect(before[kept].status).toBe('ready');
    expect((await ws.api.get(`/api/interviews/${interview.id}`)).body.status).toBe('in_progress');

    const reviewer = await t.joinMember(ws, 'reviewer');
    const byReviewer = await reviewer.client.post(`/api/interviews/${interview.id}/answers/${lost}/retry`);
    expect(byReviewer.status).toBe(403);
    const readyOne = await ws.api.post(`/api/interviews/${interview.id}/answers/${kept}/retry`);
    expect(readyOne.status).toBe(409);
    expect(readyOne.body.error.code).toBe('answer_not_failed');
    const unknown = await ws.api.post(`/api/interviews/${interview.id}/answers/nope/retry`);
    expect(unknown.status).toBe(404);

    // The storage is back.
    await recordChunkKeys((key) => key);
    const retried = await ws.api.post(`/api/interviews/${interview.id}/answers/${lost}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: lost, status: 'submitted' });
    await t.drainJobs();
    const after = (await ws.api.get(`/api/interviews/${interview.id}/answers`)).body.items.find((item: any) => item.answer.id === lost).answer;
    expect(after).toMatchObject({ status: 'ready', processingError: null });
    expect(Math.abs(after.durationSeconds - SECONDS)).toBeLessThan(0.5);
    expect((await ws.api.get(`/api/interviews/${interview.id}`)).body.status).toBe('completed');
  });

  it('two finalisations of one answer at once leave its video and thumbnail in place', async () => {
    const { interview, token, candidate, questions } = await invite();
    const answerId = await recordTake(candidate, token, questions[0]!.id);
    await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length });
    // As when a worker's lease runs out mid-run and another worker (its own finaliser) takes the job: two runs at once.
    const { ctx, services } = t.running.platform;
    const otherWorker = new AnswerFinalizer(ctx, services.storage, new StorageGarbage(t.database.db, ctx.jobs, ctx.clock, services.storage), new InterviewCompletion(ctx, services.emails, services.webhookEvents));
    await Promise.all([t.drainJobs(), otherWorker.finalize(answerId)]);
    await t.drainJobs();
    const row = await t.database.db.selectFrom('answers').selectAll().where('id', '=', answerId).executeTakeFirstOrThrow();
    expect(row.status).toBe('ready');
    const storageBackend = t.running.platform.services.storage;
    expect(await storageBackend.stat(row.media_key!)).not.toBeNull();
    expect(await storageBackend.stat(row.thumbnail_key!)).not.toBeNull();
    expect((await ws.api.get(`/api/interviews/${interview.id}/answers`)).body.items[0].answer.videoUrl).toBeTruthy();
  });

  it('a retry while the failed answer\'s last try is still winding up is refused and changes nothing', async () => {
    const { interview, token, candidate, questions } = await invite();
    const answerId = await recordTake(candidate, token, questions[0]!.id);
    await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length });
    const db = t.database.db;
    // Between the last try marking the answer failed and the worker marking its job failed.
    await db.updateTable('answers').set({ status: 'failed', processing_attempts: 5, processing_error: 'storage unavailable' }).where('id', '=', answerId).execute();
    await db.updateTable('jobs').set({ status: 'running', attempts: 5, locked_by: 'another-worker', locked_until: t.clock.now() + 60_000 }).where('unique_key', '=', `finalize:${answerId}`).execute();
    const early = await ws.api.post(`/api/interviews/${interview.id}/answers/${answerId}/retry`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('answer_processing');
    expect((await db.selectFrom('answers').select('status').where('id', '=', answerId).executeTakeFirstOrThrow()).status).toBe('failed');
    // Once the job is over, the retry goes through.
    await db.updateTable('jobs').set({ status: 'failed', locked_by: null, locked_until: null }).where('unique_key', '=', `finalize:${answerId}`).execute();
    expect((await ws.api.post(`/api/interviews/${interview.id}/answers/${answerId}/retry`)).status).toBe(202);
    await t.drainJobs();
    expect((await db.selectFrom('answers').select('status').where('id', '=', answerId).executeTakeFirstOrThrow()).status).toBe('ready');
  });

  it('an answer whose last finalisation died with its worker is failed, not tried a sixth time, and can be processed again', async () => {
    const { interview, token, candidate, questions } = await invite();
    const answerId = await recordTake(candidate, token, questions[0]!.id);
    await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length });
    const db = t.database.db;
    // The worker of the fifth and last try was killed (ffmpeg took the machine's memory, say); its lease has run out.
    await db.updateTable('jobs').set({ status: 'running', attempts: 5, locked_by: 'killed-worker', locked_until: t.clock.now() - 1 }).where('unique_key', '=', `finalize:${answerId}`).execute();
    await t.drainJobs();
    const job = await db.selectFrom('jobs').selectAll().where('unique_key', '=', `finalize:${answerId}`).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'failed', attempts: 5, last_error: expect.stringMatching(/stopped before it finished/) });
    const [item] = (await ws.api.get(`/api/interviews/${interview.id}/answers`)).body.items;
    expect(item.answer).toMatchObject({ id: answerId, status: 'failed', processingError: expect.stringMatching(/stopped before it finished/) });

    expect((await ws.api.post(`/api/interviews/${interview.id}/answers/${answerId}/retry`)).status).toBe(202);
    await t.drainJobs();
    expect((await db.selectFrom('answers').select('status').where('id', '=', answerId).executeTakeFirstOrThrow()).status).toBe('ready');
  });

  it('finalises a recording whose declared type was wrong, in the container ffprobe finds', async () => {
    // Chromium's H.264 Matroska, declared as plain WebM: the WebM muxer refuses H.264, so the finaliser probes.
    const h264 = await readFile(await chromiumH264Matroska(3));
    const { interview, token, candidate, questions } = await invite();
    const answerId = (await candidate.post(`/api/candidate/${token}/questions/${questions[0]!.id}/takes`, { mimeType: 'video/webm' })).body.answerId;
    const half = Math.ceil(h264.byteLength / 2);
    const pieces = [h264.subarray(0, half), h264.subarray(half)];
    for (const [seq, piece] of pieces.entries()) expect((await put(candidate, token, answerId, seq, piece)).status).toBe(201);
    await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: pieces.length });
    await t.drainJobs();
    const [item] = (await ws.api.get(`/api/interviews/${interview.id}/answers`)).body.items;
    expect(item.answer).toMatchObject({ status: 'ready', mediaType: 'video/mp4', width: 640, height: 480 });
    expect(Math.abs(item.answer.durationSeconds - 3)).toBeLessThan(0.5);
  });

  it('keeps uploading across a server restart', async () => {
    const { token, candidate, questions, interview } = await invite();
    const take = (await candidate.post(`/api/candidate/${token}/questions/${questions[0]!.id}/takes`, { mimeType: WEBM })).body.answerId;
    const half = Math.floor(chunks.length / 2);
    for (let seq = 0; seq < half; seq++) await put(candidate, token, take, seq, chunks[seq]!);
    await t.restart();
    const held = (await candidate.get(`/api/candidate/${token}/answers/${take}/chunks`)).body.receivedChunks;
    expect(held).toEqual([...Array(half).keys()]);
    for (let seq = half; seq < chunks.length; seq++) expect((await put(candidate, token, take, seq, chunks[seq]!)).status).toBe(201);
    await candidate.post(`/api/candidate/${token}/answers/${take}/submit`, { chunkCount: chunks.length });
    await t.drainJobs();
    const [item] = (await ws.api.get(`/api/interviews/${interview.id}/answers`)).body.items;
    expect(Math.abs(item.answer.durationSeconds - SECONDS)).toBeLessThan(0.5);
  });

  /** Reads of chunk objects S3 served while `work` ran. */
  async function chunkReadsFromS3During(work: () => Promise<unknown>): Promise<number> {
    const s3 = t.s3!;
    const from = s3.requests.length;
    await work();
    return s3.requests.slice(from).filter((r) => r.method === 'GET' && r.url.includes('/chunks/')).length;
  }

  /** The storage keys of a take's chunks as the database records them, in order. */
  async function chunkKeysOf(answerId: string): Promise<string[]> {
    const rows = await t.database.db.selectFrom('answer_chunks').select('storage_key').where('answer_id', '=', answerId).orderBy('seq').execute();
    return rows.map((row) => row.storage_key);
  }

  /** The local copies of these chunks (all of a take's, in order) the S3 driver holds at their recorded sizes (null where it holds none). */
  function spooledCopies(keys: string[]): Promise<(string | null)[]> {
    const storageBackend = t.running.platform.services.storage;
    return Promise.all(keys.map((key, seq) => storageBackend.localFileOf(key, chunks[seq]!.byteLength)));
  }

  async function readyAnswers(interviewId: string) {
    // One item per question, with a null answer where none was submitted.
    const answers = (await ws.api.get(`/api/interviews/${interviewId}/answers`)).body.items.filter((item: any) => item.answer);
    for (const item of answers) {
      expect(item.answer.status).toBe('ready');
      expect(Math.abs(item.answer.durationSeconds - SECONDS)).toBeLessThan(0.5);
    }
    return answers;
  }

  // The S3 driver's own behaviour: registered only where the platform stores on S3 (not reported as skipped elsewhere).
  if (storage === 's3') {
    describe('on S3', () => {
      it('finalises from the chunk spool without reading a chunk back, then removes the copies', async () => {
        const { interview, token, candidate, questions } = await invite();
        const answerId = await recordTake(candidate, token, questions[0]!.id);
        const keys = await chunkKeysOf(answerId);
        expect(keys).toHaveLength(chunks.length);
        const copies = await spooledCopies(keys);
        expect(copies.every((file) => file !== null)).toBe(true);
        await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length });
        expect(await chunkReadsFromS3During(() => t.drainJobs())).toBe(0);
        expect(await readyAnswers(interview.id)).toHaveLength(1);
        // Chunks are gone from S3 and from the spool once finalised.
        expect(await spooledCopies(keys)).toEqual(chunks.map(() => null));
        for (const file of copies) await expect(readFile(file!)).rejects.toMatchObject({ code: 'ENOENT' });
        for (const key of keys) expect(await t.running.platform.services.storage.stat(key)).toBeNull();
      });

      it('an hourly job aborts the multipart uploads a crashed process left unfinished a day ago, and no younger ones', async () => {
        const db = t.database.db;
        const started = t.clock.now();
        await db.insertInto('storage_multipart_uploads').values([
          { upload_id: 'left-by-a-crash', object_key: 'interviews/x/answers/y/answer.webm', started_at: started },
          { upload_id: 'still-running', object_key: 'interviews/x/answers/z/answer.webm', started_at: started + 2 * 3600_000 },
        ]).execute();
        t.s3!.requests.length = 0;
        t.clock.advance(24 * 3600_000 + 60 * 60_000);
        // As a worker's start does for every recurring job (this test platform runs jobs only when drained).
        await t.running.platform.ctx.jobs.enqueue({ name: ABORT_UNFINISHED_UPLOADS_JOB, uniqueKey: `recurring:${ABORT_UNFINISHED_UPLOADS_JOB}` });
        await t.drainJobs();
        const aborts = t.s3!.requests.filter((r) => r.method === 'DELETE' && r.url.includes('uploadId='));
        expect(aborts.map((r) => new URL(r.url, t.s3!.endpoint).searchParams.get('uploadId'))).toEqual(['left-by-a-crash']);
        expect((await db.selectFrom('storage_multipart_uploads').select('upload_id').execute()).map((r) => r.upload_id)).toEqual(['still-running']);
        await db.deleteFrom('storage_multipart_uploads').execute();
      });

      it('finalises from S3 when a spooled copy is short or the spool is gone', async () => {
        const { interview, token, candidate, questions } = await invite();
        const [q1, q2] = questions;
        const short = await recordTake(candidate, token, q1!.id);
        await truncate((await spooledCopies(await chunkKeysOf(short)))[2]!, 100);
        const lost = await recordTake(candidate, token, q2!.id);
        // As after a restart on a new disk, or on another machine.
        for (const file of await spooledCopies(await chunkKeysOf(lost))) await rm(file!);
        for (const answerId of [short, lost]) await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length });
        expect(await chunkReadsFromS3During(() => t.drainJobs())).toBe(2 * chunks.length);
        expect(await readyAnswers(interview.id)).toHaveLength(2);
      });

      it('a chunk whose spool copy cannot be written is stored all the same and the answer finalises', async () => {
        const config = t.config.storage;
        if (config.driver !== 's3' || !config.chunkSpoolDir) throw new Error('the S3 test platform should spool chunks');
        const spoolDir = config.chunkSpoolDir;
        const { interview, token, candidate, questions } = await invite();
        // A file where the spool directory should be: unwritable even for root.
        await rm(spoolDir, { recursive: true, force: true });
        await writeFile(spoolDir, 'not a directory');
        let answerId: string;
        try {
          answerId = await recordTake(candidate, token, questions[0]!.id);
        } finally {
          await rm(spoolDir, { force: true });
        }
        expect(await spooledCopies(await chunkKeysOf(answerId))).toEqual(chunks.map(() => null));
        await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length });
        expect(await chunkReadsFromS3During(() => t.drainJobs())).toBe(chunks.length);
        expect(await readyAnswers(interview.id)).toHaveLength(1);
      });

      it('a chunk whose PUT S3 drops is answered 503 with Retry-After, is not recorded, and is stored when sent again', async () => {
        const { token, candidate, questions } = await invite();
        const take = await candidate.post(`/api/candidate/${token}/questions/${questions[0]!.id}/takes`, { mimeType: WEBM });
        t.s3!.dropPuts('/chunks/', 1);
        const dropped = await put(candidate, token, take.body.answerId, 0, chunks[0]!);
        expect(dropped.status).toBe(503);
        expect(dropped.body.error.code).toBe('unavailable');
        expect(dropped.headers.get('retry-after')).toBe('1');
        expect((await candidate.get(`/api/candidate/${token}/answers/${take.body.answerId}/chunks`)).body.receivedChunks).toEqual([]);
        expect((await put(candidate, token, take.body.answerId, 0, chunks[0]!)).status).toBe(201);
        expect((await candidate.get(`/api/candidate/${token}/answers/${take.body.answerId}/chunks`)).body.receivedChunks).toEqual([0]);
      });
    });
  }

  it('deleting an interview removes its recordings from storage', async () => {
    const { token, candidate, questions, interview } = await invite();
    const answerId = await recordTake(candidate, token, questions[0]!.id);
    await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length });
    await t.drainJobs();
    // The second question's take is still recording: one chunk recorded, one a crash left unrecorded.
    const open = await candidate.post(`/api/candidate/${token}/questions/${questions[1]!.id}/takes`, { mimeType: WEBM });
    expect((await put(candidate, token, open.body.answerId, 0, chunks[0]!)).status).toBe(201);
    const storageBackend = t.running.platform.services.storage;
    const unrecorded = chunkKey(interview.id, open.body.answerId, 1, 'crashed');
    await storageBackend.put(unrecorded, chunks[1]!);
    const row = await t.database.db.selectFrom('answers').selectAll().where('id', '=', answerId).executeTakeFirstOrThrow();
    expect(await storageBackend.stat(row.media_key!)).not.toBeNull();
    expect((await ws.api.delete(`/api/interviews/${interview.id}`)).status).toBe(200);
    await t.drainJobs();
    expect(await storageBackend.stat(row.media_key!)).toBeNull();
    expect(await storageBackend.stat(row.thumbnail_key!)).toBeNull();
    expect(await storageBackend.stat(unrecorded)).toBeNull();
    expect(await storageBackend.deleteFolder(interviewFolder(interview.id))).toBe(0);
  });

  it('a storage that refuses listing still deletes a deleted interview\'s recordings; its folder goes once listing works', async () => {
    const { token, candidate, questions, interview } = await invite();
    const answerId = await recordTake(candidate, token, questions[0]!.id);
    await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length });
    await t.drainJobs();
    const storageBackend = t.running.platform.services.storage;
    const row = await t.database.db.selectFrom('answers').selectAll().where('id', '=', answerId).executeTakeFirstOrThrow();
    const unrecorded = chunkKey(interview.id, answerId, 99, 'crashed');
    await storageBackend.put(unrecorded, chunks[0]!);
    const deleteFolder = storageBackend.deleteFolder;
    // As S3 answers a policy without s3:ListBucket.
    storageBackend.deleteFolder = async () => {
      throw new Error('AccessDenied: ListObjectsV2');
    };
    try {
      expect((await ws.api.delete(`/api/interviews/${interview.id}`)).status).toBe(200);
      await t.drainJobs();
    } finally {
      storageBackend.deleteFolder = deleteFolder;
    }
    expect(await storageBackend.stat(row.media_key!)).toBeNull();
    expect(await storageBackend.stat(row.thumbnail_key!)).toBeNull();
    expect(await storageBackend.stat(unrecorded)).not.toBeNull();
    const left = await t.database.db.selectFrom('storage_garbage').select('storage_key').execute();
    expect(left.map((r) => r.storage_key)).toContain(`${interviewFolder(interview.id)}/`);
    // The job is tried again later (after its backoff), and this time the folder goes.
    t.clock.advance(3600_000);
    await t.drainJobs();
    expect(await storageBackend.stat(unrecorded)).toBeNull();
    expect(await t.database.db.selectFrom('storage_garbage').selectAll().execute()).toEqual([]);
  });

  it('an interview deleted while an answer is processed leaves none of its media in storage', async () => {
    const { token, candidate, questions, interview } = await invite();
    const answerId = await recordTake(candidate, token, questions[0]!.id);
    await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length });
    const storageBackend = t.running.platform.services.storage;
    const uploadFile = storageBackend.uploadFile;
    const uploaded: string[] = [];
    // The recruiter deletes the interview as soon as the finaliser has stored the answer's video.
    storageBackend.uploadFile = async function (this: typeof storageBackend, key, file, contentType) {
      const stored = await uploadFile.call(this, key, file, contentType);
      uploaded.push(key);
      if (/\/answer\.\w+$/.test(key)) expect((await ws.api.delete(`/api/interviews/${interview.id}`)).status).toBe(200);
      return stored;
    };
    try {
      await t.drainJobs();
    } finally {
      storageBackend.uploadFile = uploadFile;
    }
    await t.drainJobs();
    expect(uploaded).toHaveLength(2);
    for (const key of uploaded) expect(await storageBackend.stat(key)).toBeNull();
    expect(await t.database.db.selectFrom('answers').select('id').where('id', '=', answerId).executeTakeFirst()).toBeUndefined();
  });
});
