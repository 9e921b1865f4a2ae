import { Transform, type Readable } from 'node:stream';

export interface StoredObject {
  size: number;
  contentType?: string;
}

export interface PutOptions {
  contentType?: string;
  /** Exact body length if known; a body of another length fails with code 'length_mismatch'. */
  contentLength?: number;
  /** Fails with StorageTooLargeError as soon as more bytes arrive; nothing is stored. */
  maxBytes?: number;
  /** A recording chunk, read back on this machine soon: a driver that stores elsewhere also keeps a local copy (streamed bodies). */
  spool?: boolean;
}

/** Inclusive byte range, like HTTP Range: `{ start: 0, end: 0 }` is the first byte. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface ObjectRead {
  /** Consume or destroy it: an S3 stream holds a connection until then. */
  stream: Readable;
  /** Size of the whole object. */
  size: number;
  /** Inclusive bytes the stream carries; `end` is `start - 1` for an empty object. */
  start: number;
  end: number;
  contentType?: string;
}

export interface MediaStorage {
  readonly driver: 'local' | 's3';
  /** Streams the body; a Readable is never buffered whole. */
  put(key: string, body: Readable | Uint8Array, opts?: PutOptions): Promise<StoredObject>;
  stat(key: string): Promise<StoredObject | null>;
  /** Throws StorageNotFoundError, or StorageRangeError when `range.start` is past the end. */
  read(key: string, range?: ByteRange): Promise<ObjectRead>;
  downloadToFile(key: string, filePath: string): Promise<void>;
  uploadFile(key: string, filePath: string, contentType?: string): Promise<StoredObject>;
  /** Missing keys are not an error. */
  delete(keys: string[]): Promise<void>;
  /**
   * Deletes every object whose key starts with `folder/` (a key-like path: `interviews/abc`), however deep, and
   * returns how many it deleted; nothing there is not an error. Objects no database row names (a crash between a
   * put and its row) go too.
   */
  deleteFolder(folder: string): Promise<number>;
  /**
   * A file on this machine with the object's bytes, for tools that read files themselves (ffmpeg): the local
   * driver's own file, or the S3 driver's spooled copy if it holds exactly `size` bytes; else null.
   */
  localFileOf(key: string, size: number): Promise<string | null>;
  /**
   * Cleans up the writes a crash cut short that started before `startedBefore` (epoch ms): S3's multipart uploads never
   * completed or aborted (see MultipartJournal), the local driver's temp files. Returns how many it cleaned up.
   */
  abortUnfinishedUploads(startedBefore: number): Promise<number>;
  close(): Promise<void>;
}

export type StorageErrorCode = 'not_found' | 'too_large' | 'invalid_range' | 'invalid_key' | 'length_mismatch' | 'unavailable';

export class StorageError extends Error {
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class StorageNotFoundError extends StorageError {
  readonly key: string;

  constructor(key: string, options?: ErrorOptions) {
    super('not_found', `No stored object under key ${JSON.stringify(key)}`, options);
    this.key = key;
  }
}

export class StorageTooLargeError extends StorageError {
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    super('too_large', `Body is larger than the limit of ${maxBytes} bytes`);
    this.maxBytes = maxBytes;
  }
}

/** The storage service did not take a write (a dropped connection, a timeout, a 5xx): worth sending again. */
export class StorageUnavailableError extends StorageError {
  constructor(message: string, options?: ErrorOptions) {
    super('unavailable', message, options);
  }
}

export class StorageRangeError extends StorageError {
  constructor(range: ByteRange, problem: string) {
    super('invalid_range', `Range ${range.start}-${range.end ?? ''} ${problem}`);
  }
}

export class InvalidStorageKeyError extends StorageError {
  constructor(key: string, reason: string) {
    super('invalid_key', `Invalid storage key ${JSON.stringify(key)}: ${reason}`);
  }
}

/** No empty or dot-led segments: rules out `..`, absolute paths and the local driver's `.tmp` dir. */
export function assertValidKey(key: string): void {
  if (key.length === 0) throw new InvalidStorageKeyError(key, 'empty');
  if (Buffer.byteLength(key) > 1024) throw new InvalidStorageKeyError(key, 'longer than 1024 bytes');
  if (/[\u0000-\u001f\u007f\\]/.test(key)) {
    throw new InvalidStorageKeyError(key, 'contains a control character or a backslash');
  }
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidStorageKeyError(key, 'has an empty path segment or a leading slash');
    if (segment.startsWith('.')) throw new InvalidStorageKeyError(key, 'has a path segment starting with a dot');
  }
}

export function assertValidRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0 || (end !== undefined && (!Number.isSafeInteger(end) || end < start))) {
    throw new StorageRangeError(range, 'is malformed');
  }
}

/** Fails before reading anything when a known or declared length already breaks the options. */
export function checkKnownLength(opts: PutOptions | undefined, bodyLength?: number): void {
  const length = bodyLength ?? opts?.contentLength;
  if (opts?.contentLength !== undefined && bodyLength !== undefined && opts.contentLength !== bodyLength) {
    throw new StorageError('length_mismatch', `Body has ${bodyLength} bytes, declared ${opts.contentLength}`);
  }
  if (length !== undefined && opts?.maxBytes !== undefined && length > opts.maxBytes) {
    throw new StorageTooLargeError(opts.maxBytes);
  }
}

/**
 * Passes bytes through, failing as soon as `maxBytes` or the declared length is passed, so the source is
 * destroyed unread; at the end, a body shorter than declared fails too. `onDone` gets the size.
 * (A Transform, not an async generator: a chunk upload passes every socket read through it.)
 */
export function boundedBytes(opts: PutOptions | undefined, onDone?: (size: number) => void): Transform {
  let size = 0;
  const maxBytes = opts?.maxBytes;
  const declared = opts?.contentLength;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.byteLength;
      if (maxBytes !== undefined && size > maxBytes) return callback(new StorageTooLargeError(maxBytes));
      if (declared !== undefined && size > declared) return callback(new StorageError('length_mismatch', `Body is longer than the declared ${declared} bytes`));
      callback(null, chunk);
    },
    flush(callback) {
      if (declared !== undefined && size !== declared) return callback(new StorageError('length_mismatch', `Body has ${size} bytes, declared ${declared}`));
      onDone?.(size);
      callback();
    },
  });
}
