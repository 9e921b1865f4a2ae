import { createRoute, z } from '@hono/zod-openapi';
import type { CandidateService } from '../candidate/candidate.service.ts';
import type { IncomingMessage } from 'node:http';
import { nodeRequestBody, requestBodyStream } from '../http/request-body.ts';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../http/router.ts';
import type { RecordingService } from './recording.service.ts';

const tags = ['Candidate'];
const Token = z.string().min(20).max(100).openapi({ param: { name: 'token', in: 'path' }, description: 'The private link token' });
const Id = (name: string) => z.string().min(1).max(64).openapi({ param: { name, in: 'path' } });

const CandidateInterview = z
  .object({
    status: z.enum(['pending', 'in_progress', 'completed', 'expired', 'cancelled']),
    submitted: z.boolean(),
    candidateFirstName: z.string(),
    position: z.object({ name: z.string(), introMessage: z.string() }),
    expiresAt: z.number().nullable(),
    expiresInSeconds: z.number().nullable().openapi({ description: 'Seconds left until expiresAt by the server clock (a device clock may be off)' }),
    questions: z.array(
      z.object({
        id: z.string(),
        index: z.number(),
        title: z.string().openapi({ description: 'Empty until the candidate reaches the question (opens it, or starts a take)' }),
        description: z.string(),
        opened: z.boolean(),
        thinkTimeSeconds: z.number(),
        thinkTimeLeftSeconds: z.number().nullable().openapi({ description: 'Once opened: think time left by the server clock (a reload does not restart it)' }),
        maxAnswerSeconds: z.number(),
        retakes: z.number(),
        takesUsed: z.number(),
        answered: z.boolean(),
        openTake: z
          .object({
            answerId: z.string(),
            take: z.number(),
            mimeType: z.string(),
            receivedChunks: z.array(z.number()),
            bytesReceived: z.number(),
            lastChunkSecondsAgo: z.number().nullable().openapi({ description: 'Seconds since the last chunk arrived; null before the first' }),
          })
          .nullable(),
      }),
    ),
    limits: z.object({ maxChunkBytes: z.number(), bytesPerSecond: z.number() }),
  })
  .openapi('CandidateInterview');

const ok = jsonResponse(CandidateInterview, 'The interview as the candidate sees it');
const MimeType = z
  .string()
  .max(100)
  .regex(/^(video|audio)\/[a-z0-9.+-]+(;\s*codecs="?[a-z0-9.,\s]+"?)?$/i, 'must be a video/... or audio/... MIME type');

/** The candidate's recording API, addressed by the private link token (see docs/candidate-api.md). */
export function recordingRoutes(candidates: CandidateService, recordings: RecordingService) {
  const app = createRouter();

  app.openapi(
    createRoute({ method: 'get', path: '/candidate/{token}', tags, summary: 'The interview behind a private link', request: { params: z.object({ token: Token }) }, responses: { 200: ok, ...errorResponses } }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await candidates.view(c.req.valid('param').token), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/candidate/{token}/start', tags, summary: 'Mark the interview as started', request: { params: z.object({ token: Token }) }, responses: { 200: ok, ...errorResponses } }),
    async (c) => c.json(await candidates.start(c.req.valid('param').token), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/candidate/{token}/questions/{questionId}/open',
      tags,
      summary: 'Show the candidate the question: its text, and its think time starting now (once)',
      request: { params: z.object({ token: Token, questionId: Id('questionId') }) },
      responses: { 200: ok, ...errorResponses },
    }),
    async (c) => {
      const { token, questionId } = c.req.valid('param');
      return c.json(await candidates.openQuestion(token, questionId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/candidate/{token}/questions/{questionId}/takes',
      tags,
      summary: 'Start a take (the first recording or a retake) of a question',
      request: {
        params: z.object({ token: Token, questionId: Id('questionId') }),
        ...jsonBody(z.object({
          mimeType: MimeType,
          replacesAnswerId: z.string().min(1).max(64).optional().openapi({ description: 'The take this device recorded and now records again: never handed back as the new take' }),
        })),
      },
      responses: { 201: jsonResponse(z.object({ answerId: z.string(), take: z.number(), takesLeft: z.number() }), 'The take'), ...errorResponses },
    }),
    async (c) => {
      const { token, questionId } = c.req.valid('param');
      const { mimeType, replacesAnswerId } = c.req.valid('json');
      return c.json(await recordings.startTake(token, questionId, mimeType, replacesAnswerId), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/candidate/{token}/answers/{answerId}/chunks/{seq}',
      tags,
      summary: 'Upload one MediaRecorder chunk (raw bytes); idempotent',
      request: {
        params: z.object({ token: Token, answerId: Id('answerId'), seq: z.coerce.number().int().min(0).max(100_000).openapi({ param: { name: 'seq', in: 'path' } }) }),
        body: { content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } }, required: true },
      },
      responses: {
        200: jsonResponse(z.object({ seq: z.number(), size: z.number(), duplicate: z.boolean() }), 'Already held'),
        201: jsonResponse(z.object({ seq: z.number(), size: z.number(), duplicate: z.boolean() }), 'Stored'),
        413: errorResponses[400],
        ...errorResponses,
      },
    }),
    async (c) => {
      const { token, answerId, seq } = c.req.valid('param');
      const length = c.req.header('content-length');
      const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
      const body = incoming ? nodeRequestBody(incoming) : requestBodyStream(c.req.raw.body);
      try {
        const result = await recordings.storeChunk(token, answerId, seq, body, length === undefined ? undefined : Number(length));
        return c.json(result, result.duplicate ? 200 : 201);
      } finally {
        // Whatever was not read (a refused or duplicate chunk) is drained so the client gets our answer.
        body.destroy();
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/candidate/{token}/answers/{answerId}/chunks',
      tags,
      summary: 'Which chunks of a take the server holds',
      request: { params: z.object({ token: Token, answerId: Id('answerId') }) },
      responses: {
        200: jsonResponse(z.object({ receivedChunks: z.array(z.number()), bytesReceived: z.number(), status: z.enum(['recording', 'submitted', 'ready', 'failed', 'discarded']) }), 'Held chunks'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { token, answerId } = c.req.valid('param');
      return c.json(await recordings.receivedChunks(token, answerId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/candidate/{token}/answers/{answerId}/submit',
      tags,
      summary: 'Make this take the answer; every chunk 0..chunkCount-1 must be held',
      request: {
        params: z.object({ token: Token, answerId: Id('answerId') }),
        ...jsonBody(z.object({ chunkCount: z.number().int().min(1).max(100_000), recordedMs: z.number().int().min(0).max(24 * 3600_000).optional() })),
      },
      responses: { 200: ok, ...errorResponses },
    }),
    async (c) => {
      const { token, answerId } = c.req.valid('param');
      await recordings.submit(token, answerId, c.req.valid('json'));
      return c.json(await candidates.view(token), 200);
    },
  );

  return app;
}
