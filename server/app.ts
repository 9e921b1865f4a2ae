import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './http/actor.ts';
import { limitRequestBody } from './http/body-limit.ts';
import { ApiKeyService } from './api-keys/api-key.service.ts';
import { apiKeyRoutes } from './api-keys/api-key.routes.ts';
import { AnswerFinalizer, FINALIZE_ANSWER_JOB } from './answers/answer-finalizer.ts';
import { AnswerReprocessing } from './answers/answer-reprocessing.ts';
import { AnswerPlayback } from './answers/answer-playback.ts';
import { answerRoutes, mediaRoutes } from './answers/answer-playback.routes.ts';
import { InterviewCompletion } from './answers/interview-completion.ts';
import { recordingRoutes } from './answers/recording.routes.ts';
import { RecordingService } from './answers/recording.service.ts';
import { createStorage } from './storage/create-storage.ts';
import type { MediaStorage } from './storage/media-storage.ts';
import { ABORT_UNFINISHED_UPLOADS_JOB, abortUnfinishedUploadsJob, DbMultipartJournal } from './storage/multipart-journal.ts';
import { COLLECT_GARBAGE_JOB, StorageGarbage } from './storage/storage-garbage.ts';
import { UrlSigner } from './shared/url-signer.ts';
import { HireflixInterviews } from './hireflix/hireflix-interview.ts';
import { hireflixGraphqlRoutes } from './hireflix/graphql/hireflix-graphql.routes.ts';
import { InterviewExpiry } from './interviews/interview-expiry.ts';
import { reviewRoutes } from './reviews/review.routes.ts';
import { ReviewService } from './reviews/review.service.ts';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.ts';
import { WebhookEvents } from './webhooks/webhook-events.ts';
import { webhookRoutes } from './webhooks/webhook.routes.ts';
import { WebhookSendingThread } from './webhooks/webhook-sending-thread.ts';
import { WebhookService } from './webhooks/webhook.service.ts';
import type { AppContext } from './app-context.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { AuthService } from './auth/auth.service.ts';
import { candidateLinkRoutes } from './candidate/candidate-link.routes.ts';
import { adminAppRoutes } from './admin-app/admin-app.routes.ts';
import { liveRoutes } from './live/live.routes.ts';
import { CandidateService } from './candidate/candidate.service.ts';
import type { Config } from './config.ts';
import { isPostgres, pingDatabase, type Db } from './db/database.ts';
import { emailRoutes } from './email/email.routes.ts';
import { EmailService, SEND_EMAIL_JOB } from './email/email.service.ts';
import { createMailer, type Mailer } from './email/mailer.ts';
import { authenticate } from './http/authenticate.ts';
import { createRouter } from './http/router.ts';
import { interviewRoutes } from './interviews/interview.routes.ts';
import { EXPIRY_SWEEP_JOB, InterviewService, REMINDER_JOB } from './interviews/interview.service.ts';
import { JobQueue } from './jobs/job-queue.ts';
import { JobWorker, type JobHandler } from './jobs/job-worker.ts';
import { memberRoutes } from './members/member.routes.ts';
import { MemberService } from './members/member.service.ts';
import { positionRoutes } from './positions/position.routes.ts';
import { PositionService } from './positions/position.service.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import { AppError } from './shared/errors.ts';
import { createLogger, type Logger } from './shared/logger.ts';
import { WorkspaceService } from './workspaces/workspace.service.ts';

export interface PlatformOptions {
  config: Config;
  db: Db;
  clock?: Clock;
  logger?: Logger;
  mailer?: Mailer;
  storage?: MediaStorage;
  workerId?: string;
}

export type Platform = ReturnType<typeof createPlatform>;

/** Wires services, jobs and routes from the edges it is given; the one place that knows every feature. */
export function createPlatform(options: PlatformOptions) {
  const { config, db } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const jobs = new JobQueue(db, clock);
  const ctx: AppContext = { db, config, clock, logger, jobs };
  const mailer = options.mailer ?? createMailer(config.smtpUrl, config.mailFrom, logger);

  const storage = options.storage ?? createStorage(config.storage, logger, new DbMultipartJournal(db, clock));
  const signer = new UrlSigner(db, clock, config.secretKey);
  const garbage = new StorageGarbage(db, jobs, clock, storage);
  const playback = new AnswerPlayback(ctx, signer);
  const hireflix = new HireflixInterviews(config.publicBaseUrl, playback);
  const webhookEvents = new WebhookEvents(ctx, hireflix);
  const webhookSender = new WebhookSendingThread(config.webhooks.allowPrivateUrls, config.webhooks.concurrency, logger);
  const webhookDispatcher = new WebhookDispatcher(db, clock, logger, webhookSender, {
    concurrency: config.webhooks.concurrency,
    pollMs: config.webhooks.pollMs,
    workerId: `${options.workerId ?? 'server'}:${process.pid}`,
  });
  webhookEvents.onEmit(() => webhookDispatcher.wake());
  const webhooks = new WebhookService(ctx, webhookDispatcher);
  const expiry = new InterviewExpiry(ctx, webhookEvents);

  const workspaces = new WorkspaceService(ctx);
  const auth = new AuthService(ctx);
  const apiKeys = new ApiKeyService(ctx);
  const emails = new EmailService(ctx, mailer);
  const positions = new PositionService(ctx);
  const interviews = new InterviewService(ctx, emails, garbage, webhookEvents, hireflix, expiry);
  const candidates = new CandidateService(ctx, expiry);
  const members = new MemberService(ctx, emails);
  const recordings = new RecordingService(ctx, candidates, storage, garbage);
  const completion = new InterviewCompletion(ctx, emails, webhookEvents);
  const finalizer = new AnswerFinalizer(ctx, storage, garbage, completion);
  const reviews = new ReviewService(ctx, webhookEvents);
  const services = { workspaces, auth, apiKeys, emails, positions, interviews, candidates, members, recordings, playback, storage, signer, webhooks, webhookEvents, hireflix, reviews };

  const handlers: Record<string, JobHandler> = {
    [SEND_EMAIL_JOB]: emails.sendJob(),
    [FINALIZE_ANSWER_JOB]: finalizer.job(),
    [COLLECT_GARBAGE_JOB]: garbage.job(),
    [ABORT_UNFINISHED_UPLOADS_JOB]: abortUnfinishedUploadsJob(storage, clock),
    'auth.session-sweep': { everyMs: 3600_000, run: () => auth.deleteExpiredSessions() },
    [REMINDER_JOB]: { run: ({ interviewId, expiresAt }) => interviews.sendReminder(interviewId, expiresAt) },
    [EXPIRY_SWEEP_JOB]: {
      everyMs: config.worker.expirySweepMs,
      run: async () => {
        const expired = await expiry.expireAllDue();
        if (expired) logger.info('expired invitations', { count: expired });
      },
    },
  };
  const worker = new JobWorker(db, jobs, clock, handlers, logger, { pollMs: config.worker.pollMs, workerId: options.workerId });

  const app = createRouter();
  app.onError((error, c) => {
    if (error instanceof AppError) {
      const retryAfter = error.details?.retryAfterSeconds;
      if (typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter));
      return c.json(error.toBody(), error.status);
    }
    if (error instanceof HTTPException) {
      const code = error.status === 415 ? 'unsupported_media_type' : error.status === 413 ? 'payload_too_large' : error.status === 400 ? 'invalid_json' : 'internal';
      const appError = new AppError(code, error.message || 'Bad request');
      return c.json(appError.toBody(), error.status);
    }
    logger.error('unhandled error', { path: c.req.path, error: (error as Error).stack ?? String(error) });
    return c.json(new AppError('internal', 'Something went wrong on our side').toBody(), 500);
  });
  app.notFound((c) => c.json(new AppError('not_found', `No route for ${c.req.method} ${c.req.path}`).toBody(), 404));

  app.get('/healthz', async (c) => {
    try {
      await pingDatabase(db);
      return c.json({ ok: true, database: isPostgres(db) ? 'postgres' : 'sqlite' });
    } catch (error) {
      return c.json({ ok: false, error: String((error as Error).message) }, 503);
    }
  });

  // Candidate routes carry their own credential (the link token); chunk uploads stream their bodies with their own bound.
  const except = (skip: (c: Context<AppEnv>) => boolean, middleware: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> => (c, next) =>
    skip(c) ? next() : middleware(c, next);
  const isCandidate = (c: Context<AppEnv>) => c.req.path.startsWith('/api/candidate/');
  const isChunkUpload = (c: Context<AppEnv>) => c.req.method === 'PUT' && isCandidate(c) && /\/chunks\/[^/]+$/.test(c.req.path);
  app.use('/api/*', except(isChunkUpload, limitRequestBody(2 * 1024 * 1024)));
  app.use('/api/*', except(isCandidate, authenticate(auth, apiKeys)));
  app.route('/', candidateLinkRoutes(candidates));
  app.route('/', adminAppRoutes({ smtpConfigured: !!config.smtpUrl }));
  app.route('/', mediaRoutes(playback, storage, signer, auth));
  app.route('/me', hireflixGraphqlRoutes(apiKeys, { positions, interviews, playback, webhooks }, logger));

  const api = createRouter();
  api.route('/', authRoutes(auth, workspaces, config.publicBaseUrl.startsWith('https://'), config.sessionTtlMs));
  api.route('/', apiKeyRoutes(apiKeys));
  api.route('/', memberRoutes(members));
  api.route('/', positionRoutes(positions));
  api.route('/', interviewRoutes(interviews));
  api.route('/', emailRoutes(emails));
  api.route('/', recordingRoutes(candidates, recordings));
  api.route('/', answerRoutes(playback, new AnswerReprocessing(ctx)));
  api.route('/', webhookRoutes(webhooks));
  api.route('/', reviewRoutes(reviews));
  api.route('/', liveRoutes(ctx));
  app.route('/api', api);

  app.openAPIRegistry.registerComponent('securitySchemes', 'ApiKey', { type: 'apiKey', in: 'header', name: 'X-API-KEY' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer' });
  app.doc('/api/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'One-way video interviews API',
      version: '1.0.0',
      description: 'Recruiter API. Authenticate with a workspace API key (X-API-KEY or Authorization: Bearer) or a session cookie plus X-CSRF-Token. Errors are {"error":{"code","message"}}.',
    },
    servers: [{ url: config.publicBaseUrl }],
    security: [{ ApiKey: [] }, { Bearer: [] }],
  });

  return {
    app,
    ctx,
    services,
    worker,
    webhookDispatcher,
    /** Background work of this process: durable jobs and webhook deliveries. */
    async startBackground() {
      await worker.start();
      webhookDispatcher.start();
    },
    async close() {
      await worker.stop();
      await webhookDispatcher.stop();
      webhookSender.close();
      mailer.close();
      if (!options.storage) await storage.close();
    },
  };
}
