import { WebhookInput } from '../../webhooks/webhook.schemas.ts';
import { z } from 'zod';
import type { AnswerView } from '../../answers/answer-playback.ts';
import type { Decision } from '../../db/schema.ts';
import type { PositionView, QuestionView } from '../../positions/position.schemas.ts';
import { validationFailed } from '../../shared/errors.ts';
import type { HireflixInterview } from '../hireflix-interview.ts';
import { adminOf, spendInterviews, type HireflixContext } from './context.ts';
import { interviewListQuery, type InterviewListInput } from './interview-list-input.ts';
import { inviteCandidate, inviteErrorOf, type CandidateArg, type InviteArgs } from './invite.ts';

type Resolver = (parent: any, args: any, ctx: HireflixContext) => unknown;
export type Resolvers = Record<string, Record<string, Resolver>>;

/** What QuestionType resolves from: a position's question, or an interview's with its answer. */
interface QuestionModel {
  id: string;
  title: string;
  description: string;
  timeToThink: number;
  timeToAnswer: number;
  retakes: number;
  answered: boolean;
  answer: AnswerModel | null;
}

interface AnswerModel {
  id: string;
  url: string | null;
  thumbnail: string | null;
  createdAt: number | null;
  duration: number | null;
  transcription: null;
}

const POSITION_INTERVIEWS_CAP = 200;

const positionModel = (p: PositionView) => ({
  id: p.id,
  name: p.name,
  archived: p.archivedAt,
  active: !p.archived,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  questions: p.questions.map(
    (q: QuestionView): QuestionModel => ({
      id: q.id,
      title: q.title,
      description: q.description,
      timeToThink: q.thinkTimeSeconds,
      timeToAnswer: q.maxAnswerSeconds,
      retakes: q.retakes,
      answered: false,
      answer: null,
    }),
  ),
});

const answerModel = (a: AnswerView): AnswerModel => ({
  id: a.id,
  url: a.videoUrl,
  thumbnail: a.thumbnailUrl,
  createdAt: a.submittedAt,
  duration: a.durationSeconds,
  transcription: null,
});

/** The interview's questions, each with its submitted answer and signed media URLs. */
async function interviewQuestions(ctx: HireflixContext, interviewId: string): Promise<QuestionModel[]> {
  const items = await ctx.services.playback.forInterview(ctx.actor.workspaceId, interviewId);
  return items.map((q) => ({
    id: q.questionId,
    title: q.title,
    description: q.description,
    timeToThink: q.thinkTimeSeconds,
    timeToAnswer: q.maxAnswerSeconds,
    retakes: q.retakes,
    answered: q.answer !== null,
    answer: q.answer ? answerModel(q.answer) : null,
  }));
}

const CreateWebhook = WebhookInput;
const UpdateWebhook = CreateWebhook.partial().extend({ id: z.string().min(1, 'is required').max(64) });

function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  // GraphQL null means "not given" here, as an omitted field does.
  const given = Object.fromEntries(Object.entries((input ?? {}) as object).filter(([, v]) => v !== null));
  const parsed = schema.safeParse(given);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  throw validationFailed(fields, `Invalid input: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`);
}

/** A shortlist (finalist) or discard (archive) switch: true sets the decision, false clears only that decision. */
async function decide(ctx: HireflixContext, id: string, decision: Decision, on: boolean | null | undefined): Promise<HireflixInterview> {
  const { workspaceId } = ctx.actor;
  const interviews = ctx.services.interviews;
  if (on === false) {
    if ((await interviews.getHireflix(workspaceId, id)).status === decision) await interviews.decide(workspaceId, id, null);
  } else {
    await interviews.decide(workspaceId, id, decision);
  }
  return interviews.getHireflix(workspaceId, id);
}

/** Nested mutation fields run concurrently in GraphQL; one interview's run one after the other, as written. */
function inOrder(parent: { queue: Promise<unknown> }, step: () => Promise<HireflixInterview>): Promise<HireflixInterview> {
  const run = parent.queue.then(step, step);
  parent.queue = run.catch(() => undefined);
  return run;
}

export const hireflixResolvers: Resolvers = {
  Query: {
    positions: async (_, __, ctx) => (await ctx.services.positions.list(ctx.actor.workspaceId, 'all')).map(positionModel),
    position: async (_, { id }, ctx) => positionModel(await ctx.services.positions.get(ctx.actor.workspaceId, id ?? '')),
    interview: (_, { id }, ctx) => ctx.services.interviews.getHireflix(ctx.actor.workspaceId, id ?? ''),
    webhooks: (_, __, ctx) => ctx.services.webhooks.list(adminOf(ctx)),
    webhookSecret: (_, __, ctx) => ctx.services.webhooks.secret(adminOf(ctx)),
  },

  Mutation: {
    inviteCandidateToInterview: async (_, { input }: { input?: InviteArgs | null }, ctx) => {
      try {
        return { __typename: 'InterviewType', ...(await inviteCandidate(ctx, input ?? {})) };
      } catch (error) {
        return inviteErrorOf(error);
      }
    },
    Position: async (_, { id }, ctx) => ({ id: (await ctx.services.positions.get(ctx.actor.workspaceId, id ?? '')).id }),
    Interview: async (_, { id }, ctx) => ({ id: (await ctx.services.interviews.getHireflix(ctx.actor.workspaceId, id ?? '')).id, queue: Promise.resolve() }),
    createWebhook: (_, { input }, ctx) => ctx.services.webhooks.create(adminOf(ctx), parseInput(CreateWebhook, input)),
    updateWebhook: (_, { input }, ctx) => {
      const { id, ...changes } = parseInput(UpdateWebhook, input);
      return ctx.services.webhooks.update(adminOf(ctx), id, changes);
    },
    deleteWebhook: async (_, { id }, ctx) => {
      await ctx.services.webhooks.delete(adminOf(ctx), id ?? '');
      return id;
    },
  },

  PositionType: {
    interviews: async (position, _, ctx) => {
      const { items } = await ctx.services.interviews.listHireflix(ctx.actor.workspaceId, { positionId: position.id }, { order: 'desc', limit: POSITION_INTERVIEWS_CAP });
      spendInterviews(ctx, items.length);
      return items;
    },
    interviewList: async (position, { input }: { input?: InterviewListInput | null }, ctx) => {
      const { filter, page } = interviewListQuery(position.id, input);
      const { items, lastCursor, total } = await ctx.services.interviews.listHireflix(ctx.actor.workspaceId, filter, page);
      spendInterviews(ctx, items.length);
      return { results: items, lastCursor, count: items.length, total };
    },
  },

  PositionMutationType: {
    invite: (position, { candidate }: { candidate?: CandidateArg | null }, ctx) => inviteCandidate(ctx, { positionId: position.id, candidate }, true),
  },

  InterviewMutationType: {
    finalist: (parent, { finalist }, ctx) => inOrder(parent, () => decide(ctx, parent.id, 'shortlisted', finalist)),
    archive: (parent, { archive }, ctx) => inOrder(parent, () => decide(ctx, parent.id, 'discarded', archive)),
  },

  InterviewType: {
    discardedAt: (interview: HireflixInterview) => interview.archived,
    questions: (interview: HireflixInterview, _, ctx) => interviewQuestions(ctx, interview.id),
  },

  CandidateType: {
    fullName: (candidate: HireflixInterview['candidate']) => candidate.name,
  },
};
