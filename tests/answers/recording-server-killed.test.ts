import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChunkFolder } from '../../server/answers/recording-limits.ts';
import { probeMedia } from '../../server/media/media-probe.ts';
import { createStorage, type StorageOptions } from '../../server/storage/create-storage.ts';
import { mediaRecorderChunks, outputPath, removeMediaFixtures } from '../support/media-fixtures.ts';
import { packetsOf } from '../support/media-packets.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-databases.ts';
import { createWorkspaceCli, startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { ApiClient, createPosition, freePort } from '../support/test-platform.ts';

const WEBM = 'video/webm;codecs=vp8,opus';
const SECONDS = 4;

/**
 * The server process killed (SIGKILL: no draining, nothing in memory kept) while a chunk's body is half received:
 * after a restart the server holds only the whole chunks, the client sends the cut one again, and the answer stored is
 * the recording, each chunk once and in order, with nothing of the cut upload left in storage.
 */
describe.each(['local', 's3'] as const)('a server process killed during a chunk upload (%s storage)', (storage) => {
  let dir: string;
  let database: TestDatabase;
  let s3: TestS3Server | undefined;
  let env: Record<string, string>;
  let storageOptions: StorageOptions;
  let server: ServerProcess | undefined;
  let chunks: Buffer[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oneway-killed-'));
    database = await createTestDatabase('sqlite');
    chunks = await mediaRecorderChunks(SECONDS);
    if (storage === 's3') {
      s3 = await startS3Server();
      storageOptions = s3.storageOptions();
      env = {
        STORAGE_DRIVER: 's3',
        S3_BUCKET: s3.bucket,
        S3_REGION: s3.region,
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
      };
    } else {
      storageOptions = { driver: 'local', dir: path.join(dir, 'media') };
      env = { STORAGE_DIR: storageOptions.dir };
    }
    // One port for both processes: the answers' URLs name it (PUBLIC_BASE_URL).
    const port = await freePort();
    env = {
      ...env,
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: path.join(dir, 'data'),
      SQLITE_PATH: (database.target as { path: string }).path,
      WORKER_POLL_MS: '50',
    };
  });
  afterAll(async () => {
    await server?.kill('SIGKILL');
    await s3?.stop();
    await database?.destroy();
    await removeMediaFixtures();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A PUT that declares the whole chunk, sends `sent` bytes of it, and then waits (the test kills the server). */
  function cutShortPut(url: string, body: Buffer, sent: number): { written: Promise<void>; failed: Promise<string> } {
    let written!: () => void;
    const writtenPromise = new Promise<void>((resolve) => (written = resolve));
    const failed = new Promise<string>((resolve) => {
      const req = http.request(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.byteLength) } }, (res) =>
        resolve(`answered ${res.statusCode}`),
      );
      req.on('error', (error) => resolve(String((error as NodeJS.ErrnoException).code ?? error)));
      req.write(body.subarray(0, sent), () => written());
    });
    return { written: writtenPromise, failed };
  }

  it('keeps the whole chunks, takes the cut one again, and stores the recording once and in order', async () => {
    const created = await createWorkspaceCli(['--workspace', 'Killed Co', '--email', `ops-${storage}@killed.test`], { SQLITE_PATH: env.SQLITE_PATH! });
    expect(created.code, created.stderr).toBe(0);
    const apiKey = JSON.parse(created.stdout).apiKey.key as string;
    server = await startServerProcess(env);
    const api = new ApiClient(server.url, apiKey);
    const position = await createPosition(api);
    const invited = await api.post(`/api/positions/${position.id}/interviews`, { name: 'Kim Killed', email: `kim-${storage}@example.com`, sendEmail: false });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const token = invited.body.url.public.split('/i/')[1] as string;
    let candidate = new ApiClient(server.url);
    const questions = (await candidate.get(`/api/candidate/${token}`)).body.questions as { id: string }[];
    const take = await candidate.post(`/api/candidate/${token}/questions/${questions[0]!.id}/takes`, { mimeType: WEBM });
    expect(take.status).toBe(201);
    const answerId = take.body.answerId as string;
    const chunkPath = (seq: number) => `/api/candidate/${token}/answers/${answerId}/chunks/${seq}`;
    for (const seq of [0, 1]) expect((await candidate.request('PUT', chunkPath(seq), chunks[seq]!, { 'content-type': 'application/octet-stream' })).status).toBe(201);

    // Half of chunk 2 has reached the server when it is killed.
    const cut = chunks[2]!;
    const upload = cutShortPut(`${server.url}${chunkPath(2)}`, cut, Math.floor(cut.byteLength / 2));
    await upload.written;
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.kill('SIGKILL');
    expect(await upload.failed).toMatch(/ECONNRESET|EPIPE|socket hang up/);

    server = await startServerProcess(env);
    candidate = new ApiClient(server.url);
    const held = await candidate.get(`/api/candidate/${token}/answers/${answerId}/chunks`);
    expect(held.status).toBe(200);
    expect(held.body.receivedChunks).toEqual([0, 1]);
    expect(held.body.bytesReceived).toBe(chunks[0]!.byteLength + chunks[1]!.byteLength);

    // The client sends what the server does not hold, the cut chunk first.
    for (let seq = 2; seq < chunks.length; seq++) {
      expect((await candidate.request('PUT', chunkPath(seq), chunks[seq]!, { 'content-type': 'application/octet-stream' })).status).toBe(201);
    }
    const submitted = await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length, recordedMs: SECONDS * 1000 });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);

    const adminApi = new ApiClient(server.url, apiKey);
    let answer: any;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
      const items = (await adminApi.get(`/api/interviews/${invited.body.id}/answers`)).body.items as { answer: any }[];
      answer = items.find((item) => item.answer.id === answerId)?.answer;
      if (answer?.status === 'ready' || answer?.status === 'failed') break;
    }
    expect(answer?.status, JSON.stringify(answer)).toBe('ready');

    const file = await outputPath(`killed-${storage}.webm`);
    const video = await fetch(answer.videoUrl);
    expect(video.status).toBe(200);
    await writeFile(file, Buffer.from(await video.arrayBuffer()));
    const recording = await outputPath(`killed-${storage}-recording.webm`);
    await writeFile(recording, Buffer.concat(chunks));
    expect(await packetsOf(file)).toEqual(await packetsOf(recording));
    expect(Math.abs((await probeMedia(file)).durationSeconds! - SECONDS)).toBeLessThan(0.5);

    // Nothing of the cut upload, nor any other chunk, is left in storage once the answer is final.
    const media = createStorage(storageOptions);
    const folder = answerChunkFolder(invited.body.id, answerId);
    for (const deadline = Date.now() + 10_000; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
      const rows = await database.db.selectFrom('storage_garbage').select('storage_key').execute();
      if (rows.length === 0 || Date.now() > deadline) break;
    }
    expect(await media.deleteFolder(folder)).toBe(0);
  }, 90_000);
});
