import { createRoute, z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { stream } from 'hono/streaming';
import type { AuthService } from '../auth/auth.service.ts';
import { asAdmin, inWorkspace, type AppEnv } from '../http/actor.ts';
import { SESSION_COOKIE } from '../http/authenticate.ts';
import { parseByteRange } from '../http/byte-range.ts';
import { IdParam, createRouter, errorResponses, jsonResponse } from '../http/router.ts';
import { AppError } from '../shared/errors.ts';
import type { MediaStorage } from '../storage/media-storage.ts';
import type { UrlSigner } from '../shared/url-signer.ts';
import { mediaPath, type AnswerPlayback, type MediaKind } from './answer-playback.ts';
import type { AnswerReprocessing } from './answer-reprocessing.ts';

const AnswerSchema = z
  .object({
    id: z.string(),
    take: z.number(),
    status: z.enum(['recording', 'submitted', 'ready', 'failed', 'discarded']),
    durationSeconds: z.number().nullable(),
    width: z.number().nullable(),
    height: z.number().nullable(),
    mediaType: z.string().nullable(),
    videoUrl: z.string().nullable().openapi({ description: 'Signed, plays without a session for 24 h; supports Range' }),
    thumbnailUrl: z.string().nullable().openapi({ description: 'Signed JPEG URL, valid for a year' }),
    processingError: z.string().nullable(),
    submittedAt: z.number().nullable(),
    finalizedAt: z.number().nullable(),
  })
  .openapi('Answer');

/** Reviewers' list of answers with signed URLs; an admin's retry of one whose processing failed. */
export function answerRoutes(playback: AnswerPlayback, reprocessing: AnswerReprocessing) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/interviews/{id}/answers',
      tags: ['Interviews'],
      summary: 'Each question with its submitted answer: status, duration, signed video and thumbnail URLs',
      request: { params: IdParam },
      responses: {
        200: jsonResponse(
          z.object({
            items: z.array(
              z.object({
                questionId: z.string(),
                title: z.string(),
                description: z.string(),
                thinkTimeSeconds: z.number(),
                maxAnswerSeconds: z.number(),
                retakes: z.number(),
                answer: AnswerSchema.nullable(),
              }),
            ),
          }),
          'Answers',
        ),
        ...errorResponses,
      },
    }),
    async (c) => c.json({ items: await playback.forInterview(inWorkspace(c).workspaceId, c.req.valid('param').id) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/interviews/{id}/answers/{answerId}/retry',
      tags: ['Interviews'],
      summary: 'Process an answer whose processing failed again, from the chunks the candidate uploaded',
      request: { params: IdParam.extend({ answerId: z.string().min(1).max(64).openapi({ param: { name: 'answerId', in: 'path' } }) }) },
      responses: { 202: jsonResponse(AnswerSchema, 'Queued for processing'), ...errorResponses },
    }),
    async (c) => {
      const { id, answerId } = c.req.valid('param');
      const { workspaceId } = asAdmin(c);
      await reprocessing.retry(workspaceId, id, answerId);
      return c.json(await playback.answer(workspaceId, id, answerId), 202);
    },
  );
  return app;
}

/** GET /media/answers/:id/(video|thumbnail): a signed URL, or the session of a member of the workspace; Range gives 206. */
export function mediaRoutes(playback: AnswerPlayback, storage: MediaStorage, signer: UrlSigner, auth: AuthService) {
  const app = new Hono<AppEnv>();
  app.on(['GET', 'HEAD'], '/media/answers/:answerId/:kind{video|thumbnail}', async (c) => {
    const answerId = c.req.param('answerId');
    const kind = c.req.param('kind') as MediaKind;
    const signed = await signer.verify(mediaPath(answerId, kind), c.req.query('expires'), c.req.query('signature'));
    const media = await playback.locate(answerId, kind);
    if (!signed) {
      const token = getCookie(c, SESSION_COOKIE);
      const session = token ? await auth.authenticateFor(token, media.workspaceId) : null;
      if (!session) throw new AppError(token ? 'not_found' : 'unauthenticated', token ? 'Media not found' : 'A signed URL or a session is needed');
    }
    const head = await storage.stat(media.key);
    if (!head) throw new AppError('not_found', 'Media not found');
    const range = parseByteRange(c.req.header('range'), head.size);
    c.header('Accept-Ranges', 'bytes');
    c.header('Content-Type', media.contentType);
    c.header('Cache-Control', 'private, max-age=3600');
    if (range === 'unsatisfiable') {
      c.header('Content-Range', `bytes */${head.size}`);
      throw new AppError('range_not_satisfiable', 'The requested range is outside the file');
    }
    const status = range ? 206 : 200;
    const start = range?.start ?? 0;
    const end = range?.end ?? head.size - 1;
    if (range) c.header('Content-Range', `bytes ${start}-${end}/${head.size}`);
    c.header('Content-Length', String(end - start + 1));
    c.status(status);
    if (c.req.method === 'HEAD' || head.size === 0) return c.body(null);
    const read = await storage.read(media.key, { start, end });
    return stream(c, async (out) => {
      out.onAbort(() => {
        read.stream.destroy();
      });
      try {
        for await (const chunk of read.stream) await out.write(chunk as Uint8Array);
      } catch (error) {
        // The player went away mid-body (a seek, a closed tab): not an error worth a stack trace.
        if (!out.aborted) throw error;
      }
    });
  });
  return app;
}
