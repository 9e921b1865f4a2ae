import type { AnswerPlayback } from '../../answers/answer-playback.ts';
import type { WorkspaceActor } from '../../http/actor.ts';
import type { InterviewService } from '../../interviews/interview.service.ts';
import type { PositionService } from '../../positions/position.service.ts';
import { AppError, forbidden } from '../../shared/errors.ts';
import type { WebhookService } from '../../webhooks/webhook.service.ts';

/** The services the Hireflix API answers from; it holds no logic of theirs. */
export interface HireflixServices {
  positions: PositionService;
  interviews: InterviewService;
  playback: AnswerPlayback;
  webhooks: WebhookService;
}

/** One request's caller and services (a type, not an interface: graphql-http wants a plain record). */
export type HireflixContext = {
  actor: WorkspaceActor;
  services: HireflixServices;
  /** Interviews this request may still read: lists nested in lists (or aliased) multiply work no static cost sees. */
  interviewBudget: { left: number; limit: number };
};

/** An API key acts as an admin of its workspace, as on the JSON API. */
export function contextForApiKey(key: { apiKeyId: string; workspaceId: string }, services: HireflixServices, interviewBudget: number): HireflixContext {
  return { actor: { workspaceId: key.workspaceId, role: 'admin', userId: null, kind: 'api_key' }, services, interviewBudget: { left: interviewBudget, limit: interviewBudget } };
}

/** Counts interviews read against the request's budget; past it the field fails and its subtree is not resolved. */
export function spendInterviews(ctx: HireflixContext, count: number): void {
  ctx.interviewBudget.left -= count;
  if (ctx.interviewBudget.left < 0) {
    throw new AppError('rate_limited', `This request reads more than ${ctx.interviewBudget.limit} interviews; read fewer at once (page with interviewList)`);
  }
}

/** The same rule as asAdmin on the JSON API: reviewers review and score only. */
export function adminOf(ctx: HireflixContext): string {
  if (ctx.actor.role === 'reviewer') throw forbidden('Reviewers can review and score only');
  return ctx.actor.workspaceId;
}
