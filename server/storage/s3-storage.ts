import { createReadStream, createWriteStream } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { rm, stat } from 'node:fs/promises';
import { pipeline as connectStreams, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createLogger, type Logger } from '../shared/logger.ts';
import { ChunkSpool } from './chunk-spool.ts';
import type { MultipartJournal } from './multipart-journal.ts';
import {
  assertValidKey,
  assertValidRange,
  boundedBytes,
  checkKnownLength,
  StorageNotFoundError,
  StorageRangeError,
  StorageUnavailableError,
  type ByteRange,
  type MediaStorage,
  type ObjectRead,
  type PutOptions,
  type StoredObject,
} from './media-storage.ts';

/** How long an idle S3 socket is kept: under the 5 s keep-alive timeout of Node's HTTP servers. */
const IDLE_SOCKET_MS = 4_000;
/** Up to 256 sockets (the SDK's 50 made uploads queue inside it: about 60 MB of RSS at 100 candidates in bench:ingest). */
const AGENT_OPTIONS: http.AgentOptions = { keepAlive: true, maxSockets: 256, timeout: IDLE_SOCKET_MS };

export interface S3StorageOptions {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** Prepended to every key, e.g. `media` stores `a/b.webm` as `media/a/b.webm`. */
  prefix?: string;
  /** Multipart part size in bytes, at least 5 MiB; every part but the last has exactly this size. */
  partSize?: number;
  /** Parts uploaded in parallel; memory use is at most partSize * queueSize per upload. */
  queueSize?: number;
  /** Files up to this size are uploaded in one streamed PUT, larger ones in parts. Default 64 MiB. */
  singlePutMaxBytes?: number;
  /** Where `spool` puts (recording chunks) also go, for the finaliser on this machine; unset: nowhere. */
  chunkSpoolDir?: string;
  /** Keys per ListObjectsV2 page when deleting a folder (S3's most, 1000, by default). */
  listPageSize?: number;
}

const MiB = 1024 * 1024;
// S3's DeleteObjects takes at most 1000 keys per request.
const deleteBatchSize = 1000;

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

export class S3MediaStorage implements MediaStorage {
  readonly driver = 's3' as const;
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly singlePutMaxBytes: number;
  private readonly listPageSize: number;
  private readonly spool?: ChunkSpool;

  constructor(
    options: S3StorageOptions,
    private readonly logger: Logger = createLogger('warn'),
    private readonly journal?: MultipartJournal,
  ) {
    this.bucket = options.bucket;
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.prefix = prefix === '' ? '' : `${prefix}/`;
    this.partSize = options.partSize ?? 8 * MiB;
    this.queueSize = options.queueSize ?? 4;
    this.singlePutMaxBytes = options.singlePutMaxBytes ?? 64 * MiB;
    this.listPageSize = options.listPageSize ?? 1000;
    if (this.partSize < 5 * MiB) throw new Error('S3 partSize must be at least 5 MiB');
    if (options.chunkSpoolDir) {
      this.spool = new ChunkSpool(options.chunkSpoolDir, logger);
      this.spool.startSweeping();
    }
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      // Without these the SDK frames streamed bodies with trailing checksums that some S3-compatible servers store verbatim.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Idle sockets are closed before the server's keep-alive timeout (5 s for Node servers like s3rver, longer for
      // AWS): a PUT that reused a socket the server had just closed failed with EPIPE, and a streamed body cannot be
      // sent again by the SDK (bench:ingest, between rounds).
      requestHandler: { httpAgent: new http.Agent(AGENT_OPTIONS), httpsAgent: new https.Agent(AGENT_OPTIONS) },
    });
    if (journal) this.journalMultipartUploads(journal);
  }

  /**
   * Every multipart upload is written down as S3 creates it, before lib-storage sends its first part: a process that
   * dies mid-upload leaves a row, not parts nobody knows of. If the row cannot be written, the upload is aborted.
   */
  private journalMultipartUploads(journal: MultipartJournal): void {
    this.client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const uploadId = (result.output as { UploadId?: string }).UploadId;
        if (context.commandName === 'CreateMultipartUploadCommand' && uploadId) {
          const { Bucket, Key } = args.input as { Bucket: string; Key: string };
          try {
            await journal.started(Key, uploadId);
          } catch (error) {
            await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: uploadId })).catch(() => undefined);
            throw error;
          }
        }
        return result;
      },
      { step: 'initialize', name: 'multipartJournal' },
    );
  }

  async put(key: string, body: Readable | Uint8Array, opts?: PutOptions): Promise<StoredObject> {
    const Key = this.objectKey(key);
    if (body instanceof Uint8Array) {
      checkKnownLength(opts, body.byteLength);
      await this.client.send(new PutObjectCommand({
        Bucket: this.bucket, Key, Body: body, ContentType: opts?.contentType, ContentLength: body.byteLength,
      }));
      return { size: body.byteLength, contentType: opts?.contentType };
    }
    checkKnownLength(opts);
    let size = 0;
    // Errors travel both ways: a refused body fails the upload, and stopping early destroys `body`.
    let bodyError: unknown;
    const aborting = new AbortController();
    const onError = (error: Error | null) => {
      if (!error) return;
      bodyError ??= error;
      aborting.abort(error);
    };
    const copy = opts?.spool ? await this.spool?.copy(key) : null;
    // The local copy sees only bytes within the limits, as S3 does.
    const bounded = copy
      ? connectStreams(body, boundedBytes(opts, (n) => (size = n)), copy.tee, onError)
      : connectStreams(body, boundedBytes(opts, (n) => (size = n)), onError);
    try {
      const params = { Bucket: this.bucket, Key, Body: bounded, ContentType: opts?.contentType, ContentLength: opts?.contentLength };
      // A body of known length that fits one part (a recording chunk) streams through in one PUT, unbuffered.
      if (opts?.contentLength !== undefined && opts.contentLength <= this.partSize) {
        await this.client.send(new PutObjectCommand(params), { abortSignal: aborting.signal }).catch((error: unknown) => {
          // The SDK cannot retry a streamed body; the sender can, so it hears that the storage, not its body, failed.
          throw bodyError ?? new StorageUnavailableError(`S3 did not take ${key}: ${(error as Error).message}`, { cause: error });
        });
      } else await this.upload(params);
    } catch (error) {
      await copy?.drop();
      throw error;
    } finally {
      // Also destroys `body` if the upload stopped reading early.
      bounded.destroy();
    }
    await copy?.keep();
    return { size, contentType: opts?.contentType };
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return { size: head.ContentLength ?? 0, contentType: head.ContentType };
    } catch (error) {
      if (httpStatus(error) === 404) return null;
      throw error;
    }
  }

  async read(key: string, range?: ByteRange): Promise<ObjectRead> {
    if (range) assertValidRange(range);
    const Range = range ? `bytes=${range.start}-${range.end ?? ''}` : undefined;
    let response;
    try {
      response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Range }));
    } catch (error) {
      const status = httpStatus(error);
      // A missing bucket is a configuration error, not a missing answer.
      if (status === 404 && (error as Error).name !== 'NoSuchBucket') throw new StorageNotFoundError(key, { cause: error });
      if (status === 416 && range) throw new StorageRangeError(range, 'is past the end of the object');
      throw error;
    }
    const stream = response.Body as Readable;
    const contentRange = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.ContentRange ?? '');
    if (!contentRange) {
      const size = response.ContentLength ?? 0;
      return { stream, size, start: 0, end: size - 1, contentType: response.ContentType };
    }
    const [start, end, size] = contentRange.slice(1).map(Number) as [number, number, number];
    // Some S3-compatible servers answer a range on an empty object with 206 instead of 416.
    if (range && start >= size) {
      stream.destroy();
      throw new StorageRangeError(range, `is past the end of a ${size}-byte object`);
    }
    return { stream, size, start, end, contentType: response.ContentType };
  }

  async downloadToFile(key: string, filePath: string): Promise<void> {
    const { stream } = await this.read(key);
    try {
      await pipeline(stream, createWriteStream(filePath));
    } catch (error) {
      await rm(filePath, { force: true });
      throw error;
    }
  }

  async uploadFile(key: string, filePath: string, contentType?: string): Promise<StoredObject> {
    const { size } = await stat(filePath);
    const Key = this.objectKey(key);
    const body = createReadStream(filePath);
    try {
      const params = { Bucket: this.bucket, Key, Body: body, ContentType: contentType, ContentLength: size };
      // One streamed PUT up to a size where a failed upload is cheap to repeat; multipart above it.
      if (size <= this.singlePutMaxBytes) await this.client.send(new PutObjectCommand(params));
      else await this.upload(params);
    } finally {
      body.destroy();
    }
    return { size, contentType };
  }

  async delete(keys: string[]): Promise<void> {
    await this.deleteObjects(keys.map((key) => this.objectKey(key)));
    await this.spool?.remove(keys);
  }

  /** Listed a page at a time (ListObjectsV2, which every S3-compatible service has) and deleted page by page. */
  async deleteFolder(folder: string): Promise<number> {
    const Prefix = `${this.objectKey(folder)}/`;
    let deleted = 0;
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix, ContinuationToken, MaxKeys: this.listPageSize }));
      const objectKeys = (page.Contents ?? []).map((o) => o.Key!).filter((key) => key.startsWith(Prefix));
      await this.deleteObjects(objectKeys);
      await this.spool?.remove(objectKeys.map((key) => key.slice(this.prefix.length)));
      deleted += objectKeys.length;
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return deleted;
  }

  private async deleteObjects(objectKeys: string[]): Promise<void> {
    for (let i = 0; i < objectKeys.length; i += deleteBatchSize) {
      const batch = objectKeys.slice(i, i + deleteBatchSize);
      const result = await this.client.send(new DeleteObjectsCommand({
        Bucket: this.bucket,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      }));
      const failure = result.Errors?.find((e) => e.Code !== 'NoSuchKey');
      if (failure) throw new Error(`Could not delete ${failure.Key}: ${failure.Code} ${failure.Message}`);
    }
  }

  async localFileOf(key: string, size: number): Promise<string | null> {
    assertValidKey(key);
    return (await this.spool?.fileOf(key, size)) ?? null;
  }

  async abortUnfinishedUploads(startedBefore: number): Promise<number> {
    if (!this.journal) return 0;
    let crossedOut = 0;
    for (;;) {
      const batch = await this.journal.startedBefore(startedBefore, 100);
      let progress = false;
      for (const { objectKey, uploadId } of batch) {
        if (await this.abortMultipart(objectKey, uploadId, 'left unfinished')) {
          crossedOut++;
          progress = true;
        }
      }
      // What could not be aborted now (S3 unreachable) stays for the next sweep.
      if (batch.length < 100 || !progress) return crossedOut;
    }
  }

  /**
   * Aborts a multipart upload and crosses it out of the journal once S3 says it is gone (aborted, or already
   * completed or aborted), or that it cannot abort uploads at all (s3rver: 405; a bucket lifecycle rule must then clean
   * up). False when S3 could not be asked: the journal keeps it.
   */
  private async abortMultipart(objectKey: string, uploadId: string, why: string): Promise<boolean> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey, UploadId: uploadId }));
    } catch (error) {
      const status = httpStatus(error);
      if (status === 405 || status === 501) {
        this.logger.warn('S3 refused to abort a multipart upload; its parts stay until a bucket lifecycle rule removes them', { key: objectKey, uploadId, why, status });
      } else if (status !== 404) {
        return false;
      }
    }
    await this.journal?.ended(uploadId);
    return true;
  }

  async close(): Promise<void> {
    this.spool?.close();
    this.client.destroy();
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }

  /** Multipart with fixed-size parts when the body is larger than one part, one PUT otherwise. */
  private async upload(params: PutObjectCommandInput): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params,
      partSize: this.partSize,
      queueSize: this.queueSize,
      // We abort ourselves: lib-storage's own abort replaces the real error when the server refuses it.
      leavePartsOnError: true,
    });
    try {
      await upload.done();
    } catch (error) {
      // Some servers (s3rver) refuse AbortMultipartUpload; a bucket lifecycle rule then cleans up the parts.
      if (upload.uploadId) await this.abortMultipart(params.Key!, upload.uploadId, 'failed').catch(() => false);
      throw error;
    }
    // Completed: crossed out. Were this to fail, the sweep's abort would find the upload gone (404) and cross it out.
    if (upload.uploadId) await this.journal?.ended(upload.uploadId).catch(() => undefined);
  }
}
