import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChunkFolder } from '../../server/answers/recording-limits.ts';
import { probeMedia } from '../../server/media/media-probe.ts';
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
  let server: ServerProcess | undefined;
  let chunks: Buffer[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oneway-killed-'));
    database = await createTestDatabase('sqlite');
    chunks = await mediaRecorderChunks(SECONDS);
    if (storage === 's3') {
      s3 = await startS3Server();
      env = s3.platformEnv();
    } else {
      env = { STORAGE_DIR: path.join(dir, 'media') };
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
    try {
      await s3?.stop();
    } finally {
      await database?.destroy();
      await removeMediaFixtures();
      fs.rmSync(dir, { recursive: true, force: true });
    }
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

    // Half of chunk 2 has reached the server when it is killed, which is storing it: its temp file is there (the local
    // driver's, or the S3 driver's copy in the chunk spool).
    const cut = chunks[2]!;
    const upload = cutShortPut(`${server.url}${chunkPath(2)}`, cut, Math.floor(cut.byteLength / 2));
    await upload.written;
    await expect.poll(() => partFiles(storage === 's3' ? path.join(env.DATA_DIR!, 'chunk-spool') : path.join(env.STORAGE_DIR!, '.tmp')), { timeout: 10_000 }).toHaveLength(1);
    await server.kill('SIGKILL');
    expect(await upload.failed).toMatch(/ECONNRESET|EPIPE|socket hang up/);

    server = await startServerProcess(env);
    candidate = new ApiClient(server.url);
    const held = await candidate.get(`/api/candidate/${token}/answers/${answerId}/chunks`);
    expect(held.status).toBe(200);
    expect(held.body.receivedChunks).toEqual([0, 1]);
    expect(held.body.bytesReceived).toBe(chunks[0]!.byteLength + chunks[1]!.byteLength);
    // The two whole chunks are in the take's folder. On the local disk nothing of the cut one is (it was a temp file);
    // s3rver keeps what a PutObject cut short sent, an object no row names, which goes with the folder.
    const folder = answerChunkFolder(invited.body.id, answerId);
    const stored = (await objectsIn(folder)).map((key) => path.basename(key).slice(0, 6)).sort();
    expect(stored).toEqual(storage === 'local' ? ['000000', '000001'] : expect.arrayContaining(['000000', '000001']));
    expect(stored.filter((seq) => seq !== '000000' && seq !== '000001').every((seq) => seq === '000002')).toBe(true);

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

    // The take's folder goes once the answer is final.
    await expect.poll(() => objectsIn(folder), { timeout: 10_000 }).toEqual([]);
  }, 90_000);

  /** The temp files (`*.part`) under `dir`: uploads being written. */
  function partFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((name) => name.endsWith('.part'));
  }

  /** The keys stored under `folder`, read from the storage itself (the directory, or ListObjectsV2). */
  async function objectsIn(folder: string): Promise<string[]> {
    if (storage === 'local') {
      const dirPath = path.join(env.STORAGE_DIR!, folder);
      return fs.existsSync(dirPath) ? (fs.readdirSync(dirPath, { recursive: true }) as string[]) : [];
    }
    const client = new S3Client({ region: s3!.region, endpoint: s3!.endpoint, forcePathStyle: true, credentials: { accessKeyId: s3!.accessKeyId, secretAccessKey: s3!.secretAccessKey } });
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: s3!.bucket, Prefix: `${folder}/` }));
      return (listed.Contents ?? []).map((object) => object.Key!);
    } finally {
      client.destroy();
    }
  }
});
