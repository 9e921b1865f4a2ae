import { z } from '@hono/zod-openapi';

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

const questionFields = {
  title: text(500).min(1, 'is required'),
  description: text(5000),
  thinkTimeSeconds: z.number().int().min(0).max(600).openapi({ description: 'Seconds to read and think; 0 means the candidate starts when ready' }),
  maxAnswerSeconds: z.number().int().min(5).max(1800).openapi({ description: 'Longest answer in seconds; recording stops there' }),
  retakes: z.number().int().min(0).max(10).openapi({ description: 'How many times the candidate may record again' }),
};

export const QuestionInput = z
  .object({
    title: questionFields.title,
    description: questionFields.description.default(''),
    thinkTimeSeconds: questionFields.thinkTimeSeconds.default(30),
    maxAnswerSeconds: questionFields.maxAnswerSeconds.default(120),
    retakes: questionFields.retakes.default(1),
  })
  .openapi('QuestionInput');

// Built from the default-free fields: a partial edit must not reset what it does not name.
export const QuestionUpdate = z.object(questionFields).partial().openapi('QuestionUpdate');

/**
 * In a full question list, an item with an `id` keeps that question and changes only the fields it names; one
 * without is a new question (its title is required, the rest default as in QuestionInput).
 */
export const QuestionListItem = z
  .object({ id: z.string().min(1, 'is required').max(64), ...questionFields })
  .partial()
  .superRefine((item, ctx) => {
    if (item.id === undefined && item.title === undefined) ctx.addIssue({ code: 'custom', path: ['title'], message: 'is required' });
  })
  .openapi('QuestionListItem');

export const PositionInput = z
  .object({
    name: text(200).min(1, 'is required'),
    introMessage: text(10_000).default(''),
    questions: z.array(QuestionInput).max(50).default([]),
  })
  .openapi('PositionInput');

export const PositionUpdate = z
  .object({
    name: text(200).min(1, 'is required').optional(),
    introMessage: text(10_000).optional(),
    questions: z.array(QuestionListItem).max(50).optional(),
    expectedUpdatedAt: z.number().int().optional().openapi({
      description: "The template's updatedAt this edit was made on: if someone saved it since, nothing is saved and the answer is 409 position_changed (so a full question list never undoes their changes)",
    }),
  })
  .openapi('PositionUpdate');

export const Question = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    thinkTimeSeconds: z.number(),
    maxAnswerSeconds: z.number(),
    retakes: z.number(),
  })
  .openapi('Question');

export const Position = z
  .object({
    id: z.string(),
    name: z.string(),
    introMessage: z.string(),
    archived: z.boolean(),
    archivedAt: z.number().nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
    questions: z.array(Question),
  })
  .openapi('Position');

export type QuestionInputT = z.infer<typeof QuestionInput>;
export type PositionView = z.infer<typeof Position>;
export type QuestionView = z.infer<typeof Question>;
