import { CandidateInput } from '../../interviews/interview.schemas.ts';
import { AppError, errorStatus, validationFailed, type FieldError } from '../../shared/errors.ts';
import type { HireflixInterview } from '../hireflix-interview.ts';
import { adminOf, type HireflixContext } from './context.ts';

/** `inputCandidate`: the new form sends firstName and lastName, the legacy form a full name. */
export interface CandidateArg {
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
}

export interface InviteArgs {
  positionId?: string | null;
  candidate?: CandidateArg | null;
  externalId?: string | null;
  disableNotifications?: boolean | null;
  metadata?: unknown;
}

/** An error member of the InviteCandidateToInterviewResult union. */
export interface InviteError {
  __typename: string;
  code: number;
  name: string;
  message: string;
  fieldErrors?: { flattenedPath: string; message: string }[];
}

const MAX_METADATA_KEYS = 25;
const MAX_METADATA_DEPTH = 3;
const MAX_METADATA_BYTES = 16 * 1024;

/**
 * Invites through InterviewService.invite, the JSON API's path: the same CandidateInput validation, the same
 * uniqueness rules and the same interview.create event. Paths in errors name the GraphQL input's fields.
 */
export async function inviteCandidate(ctx: HireflixContext, input: InviteArgs, legacy = false): Promise<HireflixInterview> {
  const workspaceId = adminOf(ctx);
  const fields: FieldError[] = [];
  if (!input.positionId) fields.push({ path: 'positionId', message: 'is required' });
  const candidate = input.candidate ?? {};
  const parsed = CandidateInput.safeParse({
    name: candidate.name ?? undefined,
    firstName: candidate.firstName ?? undefined,
    lastName: candidate.lastName ?? undefined,
    email: candidate.email ?? undefined,
    phone: candidate.phone,
    externalId: input.externalId,
    sendEmail: input.disableNotifications !== true,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) fields.push({ path: inputPath(issue.path.map(String).join('.'), legacy), message: issue.message });
  }
  fields.push(...metadataProblems(input.metadata));
  if (fields.length || !parsed.success) throw validationFailed(fields, `The invitation is not valid: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`);
  const interview = await ctx.services.interviews.invite(workspaceId, input.positionId!, parsed.data, { metadata: input.metadata ?? undefined });
  return ctx.services.interviews.getHireflix(workspaceId, interview.id);
}

/** The union member for a refused invitation; errors that are not about the invitation stay errors. */
export function inviteErrorOf(error: unknown): InviteError {
  if (!(error instanceof AppError)) throw error;
  const member = (typename: string): InviteError => ({ __typename: typename, code: errorStatus[error.code], name: typename, message: error.message });
  switch (error.code) {
    case 'position_not_found':
      return member('PositionNotFoundError');
    case 'already_invited':
      return member('InterviewAlreadyExistsInPositionError');
    case 'external_id_taken':
      return member('InterviewExternalIdAlreadyExistsInPositionError');
    case 'invalid_state':
      return member('PositionNotReadyToAcceptInvitesError');
    case 'validation_failed':
      return {
        ...member('ValidationError'),
        fieldErrors: (error.details?.fields ?? []).map((f) => ({ flattenedPath: inputPath(f.path, false), message: f.message })),
      };
    default:
      throw error;
  }
}

/** CandidateInput's field names as the GraphQL input spells them. */
function inputPath(path: string, legacy: boolean): string {
  if (path === 'externalId' || path === 'positionId' || path === 'metadata' || path.startsWith('candidate.') || path === '') return path;
  if (path === 'sendEmail') return 'disableNotifications';
  // "name or firstName is required": the new form has no name field.
  if (path === 'name' && !legacy) return 'candidate.firstName';
  return `candidate.${path}`;
}

/** Hireflix's bounds for sync metadata: an object of at most 25 keys, nested at most 3 levels. */
function metadataProblems(metadata: unknown): FieldError[] {
  if (metadata === undefined || metadata === null) return [];
  if (typeof metadata !== 'object' || Array.isArray(metadata)) return [{ path: 'metadata', message: 'must be an object' }];
  if (Object.keys(metadata).length > MAX_METADATA_KEYS) return [{ path: 'metadata', message: `must have at most ${MAX_METADATA_KEYS} keys` }];
  const depth = (value: unknown): number =>
    value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value as object).map(depth)) : 0;
  if (depth(metadata) > MAX_METADATA_DEPTH) return [{ path: 'metadata', message: `must be nested at most ${MAX_METADATA_DEPTH} levels` }];
  if (Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES) return [{ path: 'metadata', message: 'must be at most 16 KiB as JSON' }];
  return [];
}
