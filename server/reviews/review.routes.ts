import { createRoute, z } from '@hono/zod-openapi';
import { currentMember, inWorkspace } from '../http/actor.ts';
import { IdParam, createRouter, errorResponses, jsonBody, jsonResponse } from '../http/router.ts';
import type { ReviewService } from './review.service.ts';

const tags = ['Reviews'];
/** 1 to 5 in halves, as reviewers give it. */
const Score = z
  .number()
  .min(1)
  .max(5)
  .refine((n) => Number.isInteger(n * 2), 'must be a whole or half number from 1 to 5');
const Review = z.object({
  reviewer: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  overallScore: z.number().nullable(),
  questionScores: z.record(z.string(), z.number().nullable()),
  updatedAt: z.number(),
});
const Reviews = z.object({ score: z.number().nullable(), reviews: z.array(Review), mine: Review.nullable() }).openapi('Reviews');
const Comment = z.object({ id: z.string(), authorId: z.string().nullable(), authorName: z.string(), body: z.string(), createdAt: z.number() }).openapi('Comment');

export function reviewRoutes(reviews: ReviewService) {
  const app = createRouter();

  app.openapi(
    createRoute({ method: 'get', path: '/interviews/{id}/reviews', tags, summary: "Every reviewer's scores and the mean", request: { params: IdParam }, responses: { 200: jsonResponse(Reviews, 'Reviews'), ...errorResponses } }),
    async (c) => c.json(await reviews.list(inWorkspace(c).workspaceId, c.req.valid('param').id, inWorkspace(c).userId), 200),
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/interviews/{id}/review',
      tags,
      summary: 'Save my scores (overall and per question, 1-5 in halves); the interview score is the mean of the reviewers',
      request: { params: IdParam, ...jsonBody(z.object({ overallScore: Score.nullable(), questionScores: z.record(z.string().max(64), Score.nullable()).default({}) })) },
      responses: { 200: jsonResponse(Reviews, 'Saved'), ...errorResponses },
    }),
    async (c) => {
      const member = currentMember(c);
      return c.json(await reviews.score(inWorkspace(c).workspaceId, c.req.valid('param').id, member.userId, c.req.valid('json')), 200);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: '/interviews/{id}/comments', tags, summary: "The hiring team's comments", request: { params: IdParam }, responses: { 200: jsonResponse(z.object({ items: z.array(Comment) }), 'Comments'), ...errorResponses } }),
    async (c) => c.json({ items: await reviews.comments(inWorkspace(c).workspaceId, c.req.valid('param').id) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/interviews/{id}/comments',
      tags,
      summary: 'Comment for the hiring team (never shown to the candidate)',
      request: { params: IdParam, ...jsonBody(z.object({ body: z.string().trim().min(1).max(5000) })) },
      responses: { 201: jsonResponse(Comment, 'Added'), ...errorResponses },
    }),
    async (c) => {
      const member = currentMember(c);
      return c.json(await reviews.addComment(inWorkspace(c).workspaceId, c.req.valid('param').id, member.userId, c.req.valid('json').body), 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/interviews/{id}/comments/{commentId}',
      tags,
      summary: 'Delete a comment (its author, or an admin)',
      request: { params: IdParam.extend({ commentId: z.string().min(1).max(64).openapi({ param: { name: 'commentId', in: 'path' } }) }) },
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
    }),
    async (c) => {
      const actor = inWorkspace(c);
      const { id, commentId } = c.req.valid('param');
      await reviews.deleteComment(actor.workspaceId, id, commentId, actor.userId, actor.role);
      return c.body(null, 204);
    },
  );

  return app;
}
