import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage } from '../../server/storage/create-storage.ts';
import {
  InvalidStorageKeyError,
  StorageError,
  StorageNotFoundError,
  StorageRangeError,
  StorageTooLargeError,
  type MediaStorage,
} from '../../server/storage/media-storage.ts';
import { DbMultipartJournal, UNFINISHED_UPLOAD_AGE_MS } from '../../server/storage/multipart-journal.ts';
import { createLogger } from '../../server/shared/logger.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-databases.ts';

const MiB = 1024 * 1024;

interface StorageUnderTest {
  storage: MediaStorage;
  stop(): Promise<void>;
}

const drivers: { name: string; start(): Promise<StorageUnderTest> }[] = [
  {
    name: 'local',
    async start() {
      const dir = await mkdtemp(path.join(tmpdir(), 'local-storage-'));
      const storage = createStorage({ driver: 'local', dir });
      return { storage, stop: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 's3',
    async start() {
      const s3 = await startS3Server();
      const storage = createStorage(s3.storageOptions({ prefix: 'tenant-a', partSize: 5 * MiB, singlePutMaxBytes: 5 * MiB }), createLogger('silent'));
      return {
        storage,
        async stop() {
          await storage.close();
          await s3.stop();
        },
      };
    },
  },
];

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A body that arrives in pieces, like an upload, counting how much was pulled from it. */
function pieces(total: number, pieceSize = 64 * 1024, failAfter?: number) {
  const endless = !Number.isFinite(total);
  const data = randomBytes(endless ? pieceSize : total);
  const source = { data, pulled: 0 };
  const stream = Readable.from((async function* () {
    for (let offset = 0; offset < total; offset += pieceSize) {
      if (failAfter !== undefined && offset >= failAfter) throw new Error('client went away');
      const piece = endless ? data : data.subarray(offset, offset + pieceSize);
      source.pulled += piece.byteLength;
      yield piece;
    }
  })(), { objectMode: false });
  return { stream, source };
}

describe.each(drivers)('MediaStorage contract: $name', (driver) => {
  let storage: MediaStorage;
  let stop: () => Promise<void>;
  let workDir: string;

  beforeAll(async () => {
    ({ storage, stop } = await driver.start());
    workDir = await mkdtemp(path.join(tmpdir(), 'storage-contract-'));
  });

  afterAll(async () => {
    await stop?.();
    await rm(workDir, { recursive: true, force: true });
  });

  it('stores a buffer and reads it back whole with its size and content type', async () => {
    const body = randomBytes(1000);
    const stored = await storage.put('answers/a1/video.webm', body, { contentType: 'video/webm' });
    expect(stored).toEqual({ size: 1000, contentType: 'video/webm' });
    expect(await storage.stat('answers/a1/video.webm')).toEqual({ size: 1000, contentType: 'video/webm' });

    const read = await storage.read('answers/a1/video.webm');
    expect(read).toMatchObject({ size: 1000, start: 0, end: 999, contentType: 'video/webm' });
    expect(sha256(await readAll(read.stream))).toBe(sha256(body));
  });

  it('names the file of an object only when the driver keeps it on this machine', async () => {
    const body = randomBytes(2000);
    await storage.put('answers/a1/chunks/000000', body);
    const file = await storage.localFileOf('answers/a1/chunks/000000', body.byteLength);
    if (storage.driver === 's3') {
      // This S3 driver has no chunk spool.
      expect(file).toBeNull();
    } else {
      expect(sha256(await readFile(file!))).toBe(sha256(body));
    }
    await expect(storage.localFileOf('../outside', 1)).rejects.toThrow(InvalidStorageKeyError);
  });

  it('stores an empty object', async () => {
    await storage.put('empty.txt', Buffer.alloc(0));
    expect((await storage.stat('empty.txt'))?.size).toBe(0);
    const read = await storage.read('empty.txt');
    expect(read).toMatchObject({ size: 0, start: 0, end: -1 });
    expect((await readAll(read.stream)).length).toBe(0);
    await expect(storage.read('empty.txt', { start: 0 })).rejects.toBeInstanceOf(StorageRangeError);
  });

  describe('ranges (inclusive end, like HTTP Range)', () => {
    const body = randomBytes(1000);
    beforeAll(async () => {
      await storage.put('ranges/blob.webm', body);
    });

    it.each([
      { range: { start: 100 }, start: 100, end: 999 },
      { range: { start: 10, end: 19 }, start: 10, end: 19 },
      { range: { start: 0, end: 1 }, start: 0, end: 1 },
      { range: { start: 999 }, start: 999, end: 999 },
      { range: { start: 998, end: 999 }, start: 998, end: 999 },
      { range: { start: 990, end: 5000 }, start: 990, end: 999 },
    ])('reads $range', async ({ range, start, end }) => {
      const read = await storage.read('ranges/blob.webm', range);
      expect(read).toMatchObject({ size: 1000, start, end });
      const bytes = await readAll(read.stream);
      expect(bytes.equals(body.subarray(start, end + 1))).toBe(true);
    });

    it('refuses a range that starts past the end or is malformed', async () => {
      await expect(storage.read('ranges/blob.webm', { start: 1000 })).rejects.toBeInstanceOf(StorageRangeError);
      await expect(storage.read('ranges/blob.webm', { start: 5, end: 2 })).rejects.toBeInstanceOf(StorageRangeError);
      await expect(storage.read('ranges/blob.webm', { start: -1 })).rejects.toBeInstanceOf(StorageRangeError);
    });
  });

  it('streams a multi-MiB body of unknown length', async () => {
    const { stream, source } = pieces(12 * MiB + 12345);
    const stored = await storage.put('stream/big.webm', stream, { contentType: 'video/webm' });
    expect(stored.size).toBe(12 * MiB + 12345);
    expect((await storage.stat('stream/big.webm'))?.size).toBe(12 * MiB + 12345);
    const read = await storage.read('stream/big.webm');
    expect(sha256(await readAll(read.stream))).toBe(sha256(source.data));
  });

  it('streams a small body with a declared length', async () => {
    const { stream, source } = pieces(300 * 1024);
    expect((await storage.put('stream/small.webm', stream, { contentLength: 300 * 1024 })).size).toBe(300 * 1024);
    expect(sha256(await readAll((await storage.read('stream/small.webm')).stream))).toBe(sha256(source.data));
  });

  it('rejects a body whose length differs from the declared one and stores nothing', async () => {
    const { stream } = pieces(1000, 100);
    const error = await storage.put('stream/short.webm', stream, { contentLength: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('length_mismatch');
    expect(await storage.stat('stream/short.webm')).toBeNull();
  });

  describe('maxBytes', () => {
    it('stops reading an endless stream as soon as the limit is passed and stores nothing', async () => {
      const { stream, source } = pieces(Number.POSITIVE_INFINITY);
      const maxBytes = 7 * MiB;
      await expect(storage.put('limits/endless.webm', stream, { maxBytes })).rejects.toBeInstanceOf(StorageTooLargeError);
      expect(source.pulled).toBeGreaterThan(maxBytes);
      expect(source.pulled).toBeLessThan(maxBytes + MiB);
      expect(stream.destroyed).toBe(true);
      expect(await storage.stat('limits/endless.webm')).toBeNull();
    });

    it('rejects a small stream over the limit (a single PUT on S3)', async () => {
      const { stream } = pieces(3000, 1000);
      await expect(storage.put('limits/small.webm', stream, { maxBytes: 2500 })).rejects.toBeInstanceOf(StorageTooLargeError);
      expect(await storage.stat('limits/small.webm')).toBeNull();
    });

    it('rejects a declared length over the limit without reading', async () => {
      const { stream, source } = pieces(3000, 1000);
      await expect(storage.put('limits/declared.webm', stream, { maxBytes: 2500, contentLength: 3000 }))
        .rejects.toBeInstanceOf(StorageTooLargeError);
      expect(source.pulled).toBe(0);
      stream.destroy();
    });

    it('rejects a buffer over the limit and accepts one exactly at it', async () => {
      await expect(storage.put('limits/buffer.bin', randomBytes(101), { maxBytes: 100 })).rejects.toBeInstanceOf(StorageTooLargeError);
      expect(await storage.stat('limits/buffer.bin')).toBeNull();
      expect((await storage.put('limits/buffer.bin', randomBytes(100), { maxBytes: 100 })).size).toBe(100);
    });

    it('leaves the previous object in place when an overwrite is too large', async () => {
      const original = randomBytes(500);
      await storage.put('limits/keep.webm', original);
      const { stream } = pieces(6 * MiB);
      await expect(storage.put('limits/keep.webm', stream, { maxBytes: 5.5 * MiB })).rejects.toBeInstanceOf(StorageTooLargeError);
      expect(sha256(await readAll((await storage.read('limits/keep.webm')).stream))).toBe(sha256(original));
    });
  });

  it('stores nothing when the body fails midway (after a multipart upload started on S3)', async () => {
    const { stream } = pieces(20 * MiB, 64 * 1024, 11 * MiB);
    await expect(storage.put('broken/upload.webm', stream)).rejects.toThrow('client went away');
    expect(await storage.stat('broken/upload.webm')).toBeNull();
  });

  it('overwrites an existing object', async () => {
    await storage.put('overwrite/x.json', Buffer.from('{"v":1}'), { contentType: 'application/json' });
    await storage.put('overwrite/x.json', Buffer.from('{"v":2,"longer":true}'), { contentType: 'application/json' });
    const read = await storage.read('overwrite/x.json');
    expect((await readAll(read.stream)).toString()).toBe('{"v":2,"longer":true}');
    expect(read.size).toBe(21);
  });

  it('deletes objects, ignoring missing keys', async () => {
    await storage.put('delete/a.webm', Buffer.from('a'));
    await storage.put('delete/b.webm', Buffer.from('b'));
    await storage.delete(['delete/a.webm', 'delete/never-existed.webm', 'delete/b.webm']);
    expect(await storage.stat('delete/a.webm')).toBeNull();
    expect(await storage.stat('delete/b.webm')).toBeNull();
    await storage.delete([]);
    await storage.delete(['delete/a.webm']);
  });

  it('deletes a folder: everything under it however deep, nothing beside it', async () => {
    const inside = ['folder/x/a.webm', 'folder/x/chunks/000001-ab', 'folder/x/chunks/000002-cd', 'folder/x/deep/er/b.jpg'];
    const beside = ['folder/x.webm', 'folder/xy/a.webm', 'folder/y/a.webm'];
    for (const key of [...inside, ...beside]) await storage.put(key, Buffer.from(key));
    expect(await storage.deleteFolder('folder/x')).toBe(inside.length);
    for (const key of inside) expect(await storage.stat(key)).toBeNull();
    for (const key of beside) expect(await storage.stat(key)).not.toBeNull();
    expect(await storage.deleteFolder('folder/x')).toBe(0);
    expect(await storage.deleteFolder('folder/never-written')).toBe(0);
    // An object is not a folder.
    expect(await storage.deleteFolder('folder/x.webm')).toBe(0);
    expect(await storage.stat('folder/x.webm')).not.toBeNull();
    await storage.put('folder/x/again.webm', Buffer.from('a new object in the same folder'));
    expect((await storage.stat('folder/x/again.webm'))?.size).toBe(31);
  });

  it('round-trips a 12 MiB file through uploadFile and downloadToFile (multipart on S3)', async () => {
    const source = path.join(workDir, 'upload-source.mp4');
    const target = path.join(workDir, 'download-target.mp4');
    await writeFile(source, randomBytes(12 * MiB + 1));
    const stored = await storage.uploadFile('files/answer.mp4', source, 'video/mp4');
    expect(stored).toEqual({ size: 12 * MiB + 1, contentType: 'video/mp4' });
    expect(await storage.stat('files/answer.mp4')).toEqual({ size: 12 * MiB + 1, contentType: 'video/mp4' });
    await storage.downloadToFile('files/answer.mp4', target);
    expect(await sha256OfFile(target)).toBe(await sha256OfFile(source));
  });

  it('reports missing objects', async () => {
    expect(await storage.stat('missing/nothing.webm')).toBeNull();
    await expect(storage.read('missing/nothing.webm')).rejects.toBeInstanceOf(StorageNotFoundError);
    await expect(storage.read('missing/nothing.webm', { start: 3 })).rejects.toBeInstanceOf(StorageNotFoundError);
    const target = path.join(workDir, 'never-written.webm');
    await expect(storage.downloadToFile('missing/nothing.webm', target)).rejects.toBeInstanceOf(StorageNotFoundError);
    await expect(readFile(target)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each(['', '/etc/passwd', '../escape.webm', 'a/../../escape.webm', 'a//b.webm', 'a/./b.webm', '.tmp/x.part', 'a\\b.webm', 'a/b/', 'a\u0000b'])(
    'refuses the key %j',
    async (key) => {
      await expect(storage.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.stat(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.read(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.delete([key])).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.deleteFolder(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    },
  );
});

describe('local driver specifics', () => {
  it('keeps every object inside its root and leaves no temp files behind', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'local-root-'));
    const storage = createStorage({ driver: 'local', dir: path.join(parent, 'media') });
    try {
      await storage.put('a/b.webm', Buffer.from('ok'));
      await expect(storage.put('../outside.webm', Buffer.from('no'))).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.put('x.webm', Readable.from([Buffer.alloc(10)]), { maxBytes: 5 })).rejects.toBeInstanceOf(StorageTooLargeError);
      expect(await readdir(parent)).toEqual(['media']);
      expect(await readdir(path.join(parent, 'media', '.tmp'))).toEqual([]);
      expect((await readdir(path.join(parent, 'media'))).sort()).toEqual(['.tmp', 'a']);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });

  it('removes the temp files of writes a crash cut short once older than the bound, and none younger', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'local-temp-'));
    const storage = createStorage({ driver: 'local', dir });
    try {
      await storage.put('a/b.webm', Buffer.from('ok'));
      const old = path.join(dir, '.tmp', 'crashed.part');
      const young = path.join(dir, '.tmp', 'still-writing.part');
      await writeFile(old, 'half an upload');
      await writeFile(young, 'an upload in progress');
      const dayAgo = new Date(Date.now() - UNFINISHED_UPLOAD_AGE_MS - 60_000);
      await utimes(old, dayAgo, dayAgo);
      expect(await storage.abortUnfinishedUploads(Date.now() - UNFINISHED_UPLOAD_AGE_MS)).toBe(1);
      expect(await readdir(path.join(dir, '.tmp'))).toEqual(['still-writing.part']);
      expect(await storage.stat('a/b.webm')).not.toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('S3 driver specifics', () => {
  let s3: TestS3Server;
  let storage: MediaStorage;
  let workDir: string;
  let database: TestDatabase;
  const clock = { at: Date.now(), now() { return this.at; } };

  beforeAll(async () => {
    s3 = await startS3Server();
    database = await createTestDatabase('sqlite');
    const options = s3.storageOptions({ prefix: '/tenant-a/', partSize: 5 * MiB, singlePutMaxBytes: 5 * MiB });
    storage = createStorage(options, createLogger('silent'), new DbMultipartJournal(database.db, clock));
    workDir = await mkdtemp(path.join(tmpdir(), 's3-specifics-'));
  });

  afterAll(async () => {
    await storage?.close();
    try {
      await s3?.stop();
    } finally {
      await database?.destroy();
      await rm(workDir, { recursive: true, force: true });
    }
  });

  const journal = () => database.db.selectFrom('storage_multipart_uploads').selectAll().execute();

  function partRequests() {
    return s3.requests
      .filter((r) => r.method === 'PUT' && r.url.includes('partNumber='))
      .map((r) => ({ ...r, part: Number(new URL(r.url, s3.endpoint).searchParams.get('partNumber')) }))
      .sort((a, b) => a.part - b.part);
  }

  it('uploads a file up to singlePutMaxBytes in one PUT, no multipart', async () => {
    const file = path.join(workDir, 'answer.webm');
    const body = randomBytes(5 * MiB);
    await writeFile(file, body);
    s3.requests.length = 0;
    expect(await storage.uploadFile('files/answer.webm', file, 'video/webm')).toEqual({ size: 5 * MiB, contentType: 'video/webm' });
    expect(s3.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['PUT']);
    expect(partRequests()).toEqual([]);
    expect(sha256(await readAll((await storage.read('files/answer.webm')).stream))).toBe(sha256(body));
  });

  it('uploads a large file in equal parts (all but the last) under the prefix', async () => {
    const file = path.join(workDir, 'large.mp4');
    await writeFile(file, randomBytes(12 * MiB + 1));
    s3.requests.length = 0;
    await storage.uploadFile('files/large.mp4', file, 'video/mp4');
    expect(partRequests().map((r) => r.contentLength)).toEqual([5 * MiB, 5 * MiB, 2 * MiB + 1]);
    expect(s3.requests.every((r) => r.url.startsWith('/media/tenant-a/files/large.mp4?'))).toBe(true);
    expect(s3.requests.some((r) => r.method === 'POST' && r.url.includes('uploadId=') && r.status === 200)).toBe(true);
    // Written down while it ran, crossed out once completed.
    expect(await journal()).toEqual([]);
  });

  it('writes a multipart upload down before its parts, so that one a crash cut short is aborted by a later sweep', async () => {
    s3.requests.length = 0;
    // 11 MiB arrive, then the body neither ends nor fails: the process holding it is as good as dead.
    const body = new Readable({ read() {} });
    body.push(randomBytes(11 * MiB));
    const upload = storage.put('crash/answer.webm', body).catch((error: unknown) => error);
    await expect.poll(() => partRequests().length, { timeout: 10_000 }).toBe(2);
    const [row] = await journal();
    expect(row).toMatchObject({ object_key: 'tenant-a/crash/answer.webm', started_at: clock.now() });
    const created = s3.requests.find((r) => r.method === 'POST' && r.url.includes('?uploads'));
    expect(created).toBeDefined();

    // A sweep leaves an upload younger than the bound alone.
    expect(await storage.abortUnfinishedUploads(clock.now() - UNFINISHED_UPLOAD_AGE_MS)).toBe(0);
    expect(s3.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    // A day later (any process's sweep: the journal is in the database) it is aborted and crossed out.
    clock.at += UNFINISHED_UPLOAD_AGE_MS + 1;
    expect(await storage.abortUnfinishedUploads(clock.now() - UNFINISHED_UPLOAD_AGE_MS)).toBe(1);
    const abort = s3.requests.find((r) => r.method === 'DELETE');
    expect(abort?.url).toContain(`uploadId=${row!.upload_id}`);
    // s3rver cannot abort (405): logged, and crossed out all the same (a bucket lifecycle rule must clean up there).
    expect(abort?.status).toBe(405);
    expect(await journal()).toEqual([]);

    body.destroy(new Error('client went away'));
    expect(await upload).toMatchObject({ message: 'client went away' });
  });

  it('aborts a multipart upload it cannot write down, and fails it', async () => {
    const broken = await createTestDatabase('sqlite');
    await broken.destroy();
    const unjournaled = createStorage(s3.storageOptions({ partSize: 5 * MiB }), createLogger('silent'), new DbMultipartJournal(broken.db, clock));
    try {
      s3.requests.length = 0;
      await expect(unjournaled.put('broken/journal.webm', pieces(12 * MiB).stream)).rejects.toThrow();
      expect(partRequests()).toEqual([]);
      const created = s3.requests.find((r) => r.method === 'POST' && r.url.includes('?uploads'));
      const abort = s3.requests.find((r) => r.method === 'DELETE');
      expect(created?.status).toBe(200);
      expect(abort?.url).toContain('uploadId=');
    } finally {
      await unjournaled.close();
    }
  });

  it('deletes a folder of more objects than one listing page holds, within its own prefix only', async () => {
    const paged = createStorage(s3.storageOptions({ prefix: 'tenant-a', listPageSize: 2 }), createLogger('silent'));
    const neighbour = createStorage(s3.storageOptions({ prefix: 'tenant-b' }), createLogger('silent'));
    try {
      const keys = Array.from({ length: 5 }, (_, i) => `paged/chunks/00000${i}-x`);
      for (const key of keys) await paged.put(key, Buffer.from(key));
      await neighbour.put('paged/chunks/000000-x', Buffer.from('another tenant'));
      s3.requests.length = 0;
      expect(await paged.deleteFolder('paged')).toBe(5);
      expect(s3.requests.filter((r) => r.method === 'GET' && r.url.includes('list-type=2'))).toHaveLength(3);
      for (const key of keys) expect(await paged.stat(key)).toBeNull();
      expect(await neighbour.stat('paged/chunks/000000-x')).not.toBeNull();
    } finally {
      await paged.close();
      await neighbour.close();
    }
  });

  it('sends a stream smaller than one part as a single PUT', async () => {
    s3.requests.length = 0;
    await storage.put('chunks/one.webm', Readable.from([randomBytes(1000)]));
    expect(s3.requests.map((r) => [r.method, r.url, r.contentLength])).toEqual([
      ['PUT', '/media/tenant-a/chunks/one.webm?x-id=PutObject', 1000],
    ]);
  });

  it('aborts a failed multipart upload and keeps the real error when the server refuses the abort', async () => {
    s3.requests.length = 0;
    const { stream } = pieces(20 * MiB, 64 * 1024, 11 * MiB);
    await expect(storage.put('broken/abort.webm', stream)).rejects.toThrow('client went away');
    expect(partRequests().map((r) => r.contentLength)).toEqual([5 * MiB, 5 * MiB]);
    const abort = s3.requests.find((r) => r.method === 'DELETE' && r.url.includes('uploadId='));
    expect(abort?.status).toBe(405);
  });
});
