import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../server/shared/logger.ts';
import { CHUNK_SPOOL_MAX_AGE_MS, ChunkSpool } from '../../server/storage/chunk-spool.ts';
import { createStorage } from '../../server/storage/create-storage.ts';
import { StorageError, StorageTooLargeError, type MediaStorage } from '../../server/storage/media-storage.ts';
import { startS3Server, type TestS3Server } from '../support/s3-server.ts';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A body that arrives in 16 KiB pieces, like an upload; `failAt` ends it with an error there. */
function upload(data: Buffer, failAt?: number): Readable {
  return Readable.from((async function* () {
    for (let offset = 0; offset < data.byteLength; offset += 16 * 1024) {
      if (failAt !== undefined && offset >= failAt) throw new Error('client went away');
      yield data.subarray(offset, offset + 16 * 1024);
    }
  })(), { objectMode: false });
}

function recordingLogger() {
  const warnings: { msg: string; extra?: object }[] = [];
  const logger: Logger = { debug() {}, info() {}, error() {}, warn: (msg, extra) => warnings.push({ msg, extra }) };
  return { logger, warnings };
}

describe('S3 chunk spool', () => {
  let s3: TestS3Server;
  let workDir: string;
  // Each test has its own driver, spool directory and log.
  let storage: MediaStorage;
  let spoolDir: string;
  let warnings: { msg: string; extra?: object }[];
  let spools = 0;

  beforeAll(async () => {
    s3 = await startS3Server();
    workDir = await mkdtemp(path.join(tmpdir(), 'chunk-spool-'));
  });

  afterAll(async () => {
    try {
      await s3?.stop();
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  beforeEach(() => {
    spoolDir = path.join(workDir, `spool-${++spools}`);
    const log = recordingLogger();
    warnings = log.warnings;
    storage = createStorage(s3.storageOptions({ chunkSpoolDir: spoolDir }), log.logger);
    return () => storage.close();
  });

  /** Every file in the spool, folders and temp files included, relative to it. */
  async function spooledFiles(): Promise<string[]> {
    const entries = await readdir(spoolDir, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isFile()).map((e) => path.relative(spoolDir, path.join(e.parentPath, e.name))).sort();
  }

  const chunkGets = () => s3.requests.filter((r) => r.method === 'GET' && r.url.includes('/chunks/'));

  it('keeps a local copy of a spooled chunk, found only at the size S3 stored', async () => {
    const body = randomBytes(300_000);
    const key = 'interviews/i1/answers/a1/chunks/000000';
    expect(await storage.put(key, upload(body), { contentLength: body.byteLength, spool: true })).toMatchObject({ size: body.byteLength });
    const file = await storage.localFileOf(key, body.byteLength);
    expect(file).not.toBeNull();
    expect(file!.startsWith(spoolDir + path.sep)).toBe(true);
    expect(sha256(await readFile(file!))).toBe(sha256(body));
    expect(await storage.localFileOf(key, body.byteLength - 1)).toBeNull();
    // S3 holds the durable copy all the same.
    s3.requests.length = 0;
    const read = await storage.read(key);
    const parts: Buffer[] = [];
    for await (const part of read.stream) parts.push(part as Buffer);
    expect(sha256(Buffer.concat(parts))).toBe(sha256(body));
    expect(chunkGets()).toHaveLength(1);
    // Only what asks for it is spooled, and no temp file is left behind.
    await storage.put('interviews/i1/answers/a1/chunks/000001', upload(body), { contentLength: body.byteLength });
    expect(await storage.localFileOf('interviews/i1/answers/a1/chunks/000001', body.byteLength)).toBeNull();
    expect(await spooledFiles()).toEqual([path.relative(spoolDir, file!)]);
  });

  it('keeps no copy of an upload S3 did not get', async () => {
    const body = randomBytes(200_000);
    await expect(storage.put('c/too-large', upload(body), { maxBytes: 100_000, spool: true })).rejects.toBeInstanceOf(StorageTooLargeError);
    await expect(storage.put('c/short', upload(body), { contentLength: body.byteLength + 1, spool: true })).rejects.toBeInstanceOf(StorageError);
    await expect(storage.put('c/broken', upload(body, 100_000), { contentLength: body.byteLength, spool: true })).rejects.toThrow('client went away');
    expect(await spooledFiles()).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('stores the chunk in S3 when its copy cannot be written, and spools again once the directory is back', async () => {
    const body = randomBytes(100_000);
    const put = (key: string) => storage.put(key, upload(body), { contentLength: body.byteLength, spool: true });
    // A file where the directory should be (unwritable even for root): first before the spool made its directory,
    // then after, when opening the copy fails.
    for (const when of ['before', 'after']) {
      if (when === 'after') {
        await put(`c/${when}/first`);
        expect(await storage.localFileOf(`c/${when}/first`, body.byteLength)).not.toBeNull();
        await rm(spoolDir, { recursive: true });
      }
      await writeFile(spoolDir, 'not a directory');
      await put(`c/${when}/unspooled`);
      expect((await storage.stat(`c/${when}/unspooled`))?.size).toBe(body.byteLength);
      expect(await storage.localFileOf(`c/${when}/unspooled`, body.byteLength)).toBeNull();
      await rm(spoolDir);
      await put(`c/${when}/spooled`);
      expect(await storage.localFileOf(`c/${when}/spooled`, body.byteLength)).not.toBeNull();
    }
    // Logged, at most once a minute.
    expect(warnings.map((w) => w.msg)).toEqual([expect.stringMatching(/chunk spool failed/)]);
  });

  it('stores the chunk in S3 when its copy fails midway (the directory removed during the upload)', async () => {
    const body = randomBytes(2 * 1024 * 1024);
    const slow = Readable.from((async function* () {
      for (let offset = 0; offset < body.byteLength; offset += 64 * 1024) {
        if (offset === 1024 * 1024) await rm(spoolDir, { recursive: true, force: true });
        yield body.subarray(offset, offset + 64 * 1024);
      }
    })(), { objectMode: false });
    await storage.put('c/midway', slow, { contentLength: body.byteLength, spool: true });
    expect((await storage.stat('c/midway'))?.size).toBe(body.byteLength);
    expect(await storage.localFileOf('c/midway', body.byteLength)).toBeNull();
  });

  it('deleting objects removes their copies', async () => {
    const body = randomBytes(10_000);
    const keys = ['d/a/chunks/000000', 'd/a/chunks/000001'];
    for (const key of keys) await storage.put(key, upload(body), { contentLength: body.byteLength, spool: true });
    expect(await spooledFiles()).toHaveLength(2);
    await storage.delete([...keys, 'd/never-spooled']);
    // The take's folder goes with its last copy.
    expect(await readdir(spoolDir)).toEqual([]);
    for (const key of keys) expect(await storage.stat(key)).toBeNull();
  });

  it('the sweep removes copies and temp files older than the bound, and the folders it empties', async () => {
    const spool = new ChunkSpool(spoolDir, recordingLogger().logger);
    const copy = async (key: string, keep = true) => {
      const started = (await spool.copy(key))!;
      await pipeline(Readable.from([Buffer.from('bytes')]), started.tee, new PassThrough().resume());
      if (keep) await started.keep();
      return started;
    };
    await copy('old/chunks/000000');
    await copy('recent/chunks/000000');
    const interruptedCopy = await copy('interrupted/chunks/000000', false);
    const now = Date.now();
    const age = async (file: string, ageMs: number) => {
      const when = new Date(now - ageMs);
      await utimes(path.join(spoolDir, file), when, when);
    };
    const [interrupted, old, recent] = await spooledFiles();
    expect(interrupted).toMatch(/^interrupted%2Fchunks\/\..*\.part$/);
    await age(interrupted!, CHUNK_SPOOL_MAX_AGE_MS + 60_000);
    await age(old!, CHUNK_SPOOL_MAX_AGE_MS + 60_000);
    await age(recent!, CHUNK_SPOOL_MAX_AGE_MS - 60_000);
    expect(await spool.sweep(now)).toBe(2);
    expect(await readdir(spoolDir)).toEqual([encodeURIComponent('recent/chunks')]);
    expect(await spool.fileOf('recent/chunks/000000', 5)).not.toBeNull();
    await interruptedCopy.drop();
    await rm(spoolDir, { recursive: true });
    expect(await spool.sweep(now)).toBe(0);
  });
});
