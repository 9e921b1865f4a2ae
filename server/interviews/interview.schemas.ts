import { z } from '@hono/zod-openapi';
import { EmailAddress } from '../shared/email-address.ts';

const name = z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters');

/** ISO 8601 with a time zone, or epoch milliseconds. */
export const Deadline = z
  .union([z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' }), z.number().int().positive()])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)))
  .openapi({ type: 'string', format: 'date-time', description: 'ISO 8601 date-time (or epoch ms); must be in the future' });

const candidateFields = {
  name: name.max(200).optional().openapi({ description: 'Full name; split into first and last name when those are not given' }),
  firstName: name.optional(),
  lastName: z.string().trim().max(100).optional(),
  email: EmailAddress,
  phone: z
    .string()
    .trim()
    .max(40)
    .regex(/^\+?[0-9 ().-]{4,40}$/, 'must be a phone number')
    .nullish(),
  externalId: z.string().trim().min(1).max(200).nullish().openapi({ description: "The ATS's own id; unique per position" }),
};

export const CandidateInput = z
  .object({
    ...candidateFields,
    expiresAt: Deadline.nullish(),
    reviewerId: z.string().max(64).nullish(),
    sendEmail: z.boolean().default(true).openapi({ description: 'false: create the link without emailing the candidate' }),
  })
  // Checked even when other fields are wrong, so every problem is reported at once.
  .refine((c) => c.name || c.firstName, { message: 'name or firstName is required', path: ['name'], when: (p) => typeof p.value === 'object' && p.value !== null })
  .openapi('CandidateInput');

export const BulkInviteInput = z
  .object({
    candidates: z.array(z.record(z.string(), z.unknown())).min(1).max(1000),
    expiresAt: Deadline.nullish(),
    sendEmail: z.boolean().default(true),
  })
  .openapi('BulkInviteInput');

export const InterviewUpdate = z
  .object({
    firstName: name.optional(),
    lastName: z.string().trim().max(100).optional(),
    email: EmailAddress.optional(),
    phone: candidateFields.phone,
    externalId: candidateFields.externalId,
    expiresAt: Deadline.nullish(),
    reviewerId: z.string().max(64).nullish(),
  })
  .openapi('InterviewUpdate');

export const InterviewStatusEnum = z.enum(['pending', 'in_progress', 'completed', 'expired', 'cancelled']);

export const Interview = z
  .object({
    id: z.string(),
    position: z.object({ id: z.string(), name: z.string() }),
    hash: z.string().nullable().openapi({ description: "The code of the candidate's short link; null for reviewers" }),
    status: InterviewStatusEnum,
    decision: z.enum(['shortlisted', 'discarded']).nullable(),
    candidate: z.object({ name: z.string(), firstName: z.string(), lastName: z.string(), email: z.string(), phone: z.string().nullable() }),
    externalId: z.string().nullable(),
    reviewerId: z.string().nullable(),
    score: z.number().nullable(),
    expiresAt: z.number().nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
    startedAt: z.number().nullable(),
    submittedAt: z.number().nullable().openapi({ description: 'When the candidate submitted the last answer; the interview completes once every answer is processed' }),
    completedAt: z.number().nullable(),
    cancelledAt: z.number().nullable(),
    expiredAt: z.number().nullable(),
    decidedAt: z.number().nullable(),
    url: z.object({
      public: z.string().nullable().openapi({ description: "The candidate's private link; null for reviewers, who must not act as the candidate" }),
      short: z.string().nullable().openapi({ description: 'A short redirect to the candidate link; null for reviewers' }),
      private: z.string().openapi({ description: 'The interview in the admin app' }),
    }),
  })
  .openapi('Interview');

export const InterviewDetail = Interview.extend({
  questions: z.array(
    z.object({ id: z.string(), title: z.string(), description: z.string(), thinkTimeSeconds: z.number(), maxAnswerSeconds: z.number(), retakes: z.number() }),
  ),
}).openapi('InterviewDetail');

export const BulkInviteReport = z
  .object({
    created: z.number(),
    rejected: z.number(),
    rows: z.array(
      z.object({
        row: z.number().openapi({ description: '1-based row number (the CSV header is row 0)' }),
        email: z.string().nullable(),
        status: z.enum(['created', 'rejected']),
        interview: Interview.optional(),
        error: z.object({ code: z.string(), message: z.string(), fields: z.array(z.object({ path: z.string(), message: z.string() })).optional() }).optional(),
      }),
    ),
  })
  .openapi('BulkInviteReport');

export type CandidateInputT = z.infer<typeof CandidateInput>;
export type InterviewView = z.infer<typeof Interview>;
export type InterviewDetailView = z.infer<typeof InterviewDetail>;
export type BulkInviteReportT = z.infer<typeof BulkInviteReport>;
