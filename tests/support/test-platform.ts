import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startS3Server, type TestS3Server } from './s3-server.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import type { Mailer } from '../../server/email/mailer.ts';
import { startServer, type RunningServer } from '../../server/main.ts';
import { ManualClock, type Clock } from '../../server/shared/clock.ts';
import { createLogger } from '../../server/shared/logger.ts';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './test-databases.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** An HTTP client for one caller: anonymous, an API key, or a logged-in member (cookie + CSRF header). */
export class ApiClient {
  cookie?: string;
  csrfToken?: string;

  constructor(
    readonly baseUrl: string,
    readonly apiKey?: string,
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.apiKey) h['x-api-key'] = this.apiKey;
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrfToken && !['GET', 'HEAD'].includes(method)) h['x-csrf-token'] ??= this.csrfToken;
    let payload: BodyInit | undefined;
    if (typeof body === 'string' || body instanceof Uint8Array) payload = body as BodyInit;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers: h, body: payload, redirect: 'manual' });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await res.text();
    let parsed: any = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body ?? {}, headers);
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  put<T = any>(path: string, body: unknown) {
    return this.request<T>('PUT', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }

  async login(email: string, password: string): Promise<ApiResponse> {
    const res = await this.post('/api/auth/login', { email, password });
    if (res.status === 200) this.csrfToken = res.body.csrfToken;
    return res;
  }
}

export interface TestWorkspace {
  workspaceId: string;
  ownerId: string;
  owner: { email: string; password: string };
  /** Logged-in owner session. */
  session: ApiClient;
  /** A client holding a fresh API key of this workspace. */
  api: ApiClient;
  apiKey: string;
}

export interface TestPlatform {
  kind: DatabaseKind;
  database: TestDatabase;
  /** The S3-compatible server when started with storage 's3'. */
  s3?: TestS3Server;
  running: RunningServer;
  config: Config;
  clock: ManualClock;
  url: string;
  anonymous(): ApiClient;
  createWorkspace(name?: string): Promise<TestWorkspace>;
  /** A new person joined to `ws` with `role` through a real member invitation (invited by the owner), logged in. */
  joinMember(ws: TestWorkspace, role: 'admin' | 'reviewer'): Promise<{ client: ApiClient; userId: string }>;
  /** Runs every due job now (the worker is off in tests so they stay deterministic). */
  drainJobs(): Promise<number>;
  /** Sends every due webhook delivery now and waits for the receivers' answers. */
  drainWebhooks(): Promise<number>;
  /** Restarts the HTTP server and platform on the same database, as after a crash or deploy; `whileDown` runs between. */
  restart(options?: { whileDown?: () => Promise<void> }): Promise<void>;
  stop(): Promise<void>;
}

let workspaceCounter = 0;

/** A real server on a free port over a fresh database of the given kind, with a clock the test moves. */
export async function startTestPlatform(
  kind: DatabaseKind,
  options: { env?: Record<string, string>; mailer?: Mailer; clock?: Clock; storage?: 'local' | 's3' } = {},
): Promise<TestPlatform> {
  const database = await createTestDatabase(kind);
  const mediaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oneway-media-'));
  const s3: TestS3Server | undefined = options.storage === 's3' ? await startS3Server() : undefined;
  const storageEnv: Record<string, string> = s3 ? s3.platformEnv() : { STORAGE_DIR: mediaDir };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: url,
    WORKER_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    DATA_DIR: mediaDir,
    ...storageEnv,
    ...options.env,
  });
  const clock = (options.clock as ManualClock) ?? new ManualClock(Date.now());
  const start = () => startServer(config, { db: database.db, clock, mailer: options.mailer, logger: createLogger('silent') });
  let running = await start();
  const platform: TestPlatform = {
    kind,
    database,
    s3,
    get running() {
      return running;
    },
    config,
    clock,
    url,
    anonymous: () => new ApiClient(url),
    async createWorkspace(name = `Workspace ${++workspaceCounter}`) {
      const owner = { email: `owner${++workspaceCounter}.${Date.now()}@example.com`, password: 'correct horse battery' };
      const { workspaceId, userId } = await running.platform.services.workspaces.createWithOwner({
        workspaceName: name,
        ownerEmail: owner.email,
        ownerName: 'Olive Owner',
        ownerPassword: owner.password,
      });
      const { key } = await running.platform.services.apiKeys.create(workspaceId, 'Test ATS', userId);
      const session = new ApiClient(url);
      const login = await session.login(owner.email, owner.password);
      if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
      return { workspaceId, ownerId: userId, owner, session, api: new ApiClient(url, key), apiKey: key };
    },
    async joinMember(ws, role) {
      const email = `${role}.${++workspaceCounter}.${Date.now()}@example.com`;
      const password = 'member passphrase 1';
      const invitation = await ws.session.post('/api/members/invitations', { email, role });
      if (invitation.status !== 201) throw new Error(`member invitation failed: ${JSON.stringify(invitation.body)}`);
      const token = new URL(invitation.body.acceptUrl).searchParams.get('token');
      const accepted = await new ApiClient(url).post('/api/member-invitations/accept', { token, name: 'Rita Member', password });
      if (accepted.status !== 200) throw new Error(`accepting failed: ${JSON.stringify(accepted.body)}`);
      const client = new ApiClient(url);
      const login = await client.login(email, password);
      if (login.status !== 200 || login.body.role !== role) throw new Error(`member login failed: ${JSON.stringify(login.body)}`);
      return { client, userId: login.body.user.id as string };
    },
    drainJobs: () => running.platform.worker.drain(),
    drainWebhooks: () => running.platform.webhookDispatcher.drain(),
    async restart(options = {}) {
      await running.stop();
      await options.whileDown?.();
      running = await start();
    },
    async stop() {
      await running.stop();
      await database.destroy();
      try {
        await s3?.stop();
      } finally {
        fs.rmSync(mediaDir, { recursive: true, force: true });
      }
    },
  };
  return platform;
}

/** A position with two questions, through the API. */
export async function createPosition(client: ApiClient, name = 'Account Executive') {
  const res = await client.post('/api/positions', {
    name,
    introMessage: 'Welcome! Two short questions.',
    questions: [
      { title: 'Tell us about yourself', thinkTimeSeconds: 10, maxAnswerSeconds: 60, retakes: 1 },
      { title: 'Why this role?', description: 'Be specific.', thinkTimeSeconds: 0, maxAnswerSeconds: 30, retakes: 0 },
    ],
  });
  if (res.status !== 201) throw new Error(`createPosition failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; questions: { id: string }[] };
}
