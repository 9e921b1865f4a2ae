import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StorageOptions } from '../../server/storage/create-storage.ts';
import type { S3StorageOptions } from '../../server/storage/s3-storage.ts';

// s3rver ships no type declarations; this is the part we use.
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string; configs?: string[] }[];
}) => S3rverInstance;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export interface RecordedRequest {
  method: string;
  url: string;
  contentLength?: number;
  status: number;
}

export interface TestS3Server {
  endpoint: string;
  /** Every finished request, so tests can see which S3 calls a driver made. */
  requests: RecordedRequest[];
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Options for createStorage's S3 driver on this server (path-style), with `extra` on top. */
  storageOptions(extra?: Partial<S3StorageOptions>): StorageOptions;
  /** The platform's environment variables for storage on this server (path-style). */
  platformEnv(): Record<string, string>;
  /** The next `count` PUTs whose path contains `pathPart` lose their connection as they arrive, as when S3 drops one. */
  dropPuts(pathPart: string, count: number): void;
  /** Rejects, once the server is stopped, if anything called ListParts or ListMultipartUploads on it. */
  stop(): Promise<void>;
}

/** s3rver in this process on a free port, storing into a fresh temp dir that stop() removes. */
export async function startS3Server(options: { bucket?: string } = {}): Promise<TestS3Server> {
  const bucket = options.bucket ?? 'media';
  const directory = await mkdtemp(path.join(tmpdir(), 's3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const requests: RecordedRequest[] = [];
  const drops = { pathPart: '', left: 0 };
  server.httpServer?.prependListener('request', (req) => {
    if (drops.left > 0 && req.method === 'PUT' && req.url?.includes(drops.pathPart)) {
      drops.left--;
      req.socket.destroy();
    }
  });
  // S3 calls the platform must not make: compatible services often lack them (what it needs is in its database).
  const unsupportedCalls: string[] = [];
  server.httpServer?.on('request', (req, res) => {
    const query = new URL(req.url ?? '/', 'http://s3').searchParams;
    if (req.method === 'GET' && (query.has('uploadId') || query.has('uploads'))) unsupportedCalls.push(`${req.method} ${req.url}`);
    res.on('finish', () => {
      const length = req.headers['content-length'];
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentLength: length === undefined ? undefined : Number(length),
        status: res.statusCode,
      });
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  return {
    endpoint,
    requests,
    bucket,
    ...credentials,
    storageOptions: (extra) => ({ driver: 's3', bucket, endpoint, ...credentials, forcePathStyle: true, ...extra }),
    platformEnv: () => ({
      STORAGE_DRIVER: 's3',
      S3_BUCKET: bucket,
      S3_REGION: credentials.region,
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    }),
    dropPuts(pathPart, count) {
      Object.assign(drops, { pathPart, left: count });
    },
    async stop() {
      // Clients keep idle sockets alive, which would hold close() open.
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
      if (unsupportedCalls.length > 0) throw new Error(`ListParts or ListMultipartUploads was called: ${unsupportedCalls.join(', ')}`);
    },
  };
}
