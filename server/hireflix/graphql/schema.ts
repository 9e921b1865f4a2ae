import { buildSchema, isObjectType, type GraphQLSchema } from 'graphql';
import type { Resolvers } from './resolvers.ts';

/**
 * The GraphQL schema an ATS built for Hireflix calls at POST /me (../shared/spec/hireflix-compat.md, section 2).
 * Type, field and argument names are part of the wire: queries declare variables and fragments by them.
 * Where Hireflix documents nothing, the choice is ours and says so in its description.
 * Arguments are nullable wherever Hireflix's clients may declare them either way: a `String!` variable
 * fits a `String` argument, never the other way round; missing values come back as typed errors.
 */
export const hireflixTypeDefs = /* GraphQL */ `
  "Free-form JSON: an object, list, string, number or boolean."
  scalar JSON

  type Query {
    "Every position (template) of the workspace, archived ones included."
    positions: [PositionType!]!
    position(id: String): PositionType
    interview(id: String): InterviewType
    "(ours) The workspace's webhooks."
    webhooks: [WebhookType!]!
    "(ours) The key of x-hireflix-signature (HMAC-SHA256) and, base64 after whsec_, of webhook-signature."
    webhookSecret: WebhookSecretType!
  }

  type Mutation {
    inviteCandidateToInterview(input: InviteCandidateToInterviewInput): InviteCandidateToInterviewResult!
    "Legacy form: Position(id) { invite(candidate) }."
    Position(id: String): PositionMutationType
    "Interview(id) { finalist(finalist) archive(archive) }: shortlist or discard a completed interview."
    Interview(id: String): InterviewMutationType
    "(ours) Subscribes a URL to interview events."
    createWebhook(input: CreateWebhookInput): WebhookType!
    "(ours) Changes the URL, the events or the active flag; omitted fields stay as they are."
    updateWebhook(input: UpdateWebhookInput): WebhookType!
    "(ours) Returns the deleted webhook's id."
    deleteWebhook(id: String): String!
  }

  type PositionType {
    id: String!
    name: String!
    "Epoch ms when archived; null while open."
    archived: Float
    active: Boolean!
    createdAt: Float!
    updatedAt: Float!
    questions: [QuestionType!]!
    "The newest 200 interviews, newest first; page through more with interviewList."
    interviews: [InterviewType!]!
    interviewList(input: InterviewListInput): InterviewListType!
  }

  "A question of a position, or of an interview with the candidate's answer."
  type QuestionType {
    id: String!
    title: String!
    description: String!
    "Seconds to read the question before recording starts."
    timeToThink: Int!
    "Seconds the answer may last."
    timeToAnswer: Int!
    "Retakes allowed."
    retakes: Int!
    answered: Boolean!
    answer: AnswerType
  }

  type AnswerType {
    id: String!
    "A signed URL of the recording (Range requests work), valid 24 hours; null while it is being processed."
    url: String
    "A signed URL of a JPEG frame, valid a year; null while the recording is being processed."
    thumbnail: String
    "Epoch ms when the candidate submitted the answer."
    createdAt: Float
    "Seconds."
    duration: Float
    "(ours) Always null: recordings are not transcribed."
    transcription: TranscriptionType
  }

  type TranscriptionType {
    languageCode: String
    text: String
    words: [TranscriptionWordType!]
  }

  type TranscriptionWordType {
    text: String
    start: Float
    end: Float
  }

  type InterviewType {
    id: String!
    "The public code of the candidate link."
    hash: String!
    "pending (also while in progress), completed, shortlisted, discarded; expired and cancelled (ours)."
    status: String!
    position: InterviewPositionType!
    externalId: String
    candidate: CandidateType!
    score: ScoreType
    "Epoch ms of the invitation."
    createdAt: Float!
    "Epoch ms when the candidate submitted; null before."
    completed: Float
    "Epoch ms when discarded (archived), else null."
    archived: Float
    "Same as archived."
    discardedAt: Float
    "Epoch ms when shortlisted (finalist), else null."
    finalist: Float
    deleted: Float
    "At least one answer recorded."
    answered: Boolean!
    "A signed URL of the first answer's thumbnail, or null."
    thumbnail: String
    url: InterviewUrlType!
    questions: [QuestionType!]!
  }

  type InterviewPositionType {
    id: String!
    name: String!
  }

  type CandidateType {
    name: String!
    fullName: String!
    firstName: String!
    lastName: String!
    email: String!
    phone: String
  }

  type ScoreType {
    "Mean of the reviewers' overall scores."
    value: Float!
  }

  type InterviewUrlType {
    "The candidate page."
    public: String!
    "A short redirect to the candidate page."
    short: String!
    "The reviewer page in the admin UI."
    private: String!
  }

  input InterviewListInput {
    filter: InterviewListFilterInput
    pagination: InterviewListPaginationInput
    "Only createdAt; newest first when omitted."
    sort: [InterviewListSortInput!]
  }

  input InterviewListFilterInput {
    "pending, to_evaluate (completed, no decision), completed, shortlisted, discarded, expired, cancelled."
    status: StatusFilterInput
    email: StringFilterInput
    lastName: StringFilterInput
    score: NumberFilterInput
  }

  input StatusFilterInput {
    equal: String
    "(ours) Any of these."
    in: [String!]
  }

  "Case-insensitive. regex supports ^, $, . and .* (ours: a subset that every database runs safely)."
  input StringFilterInput {
    equal: String
    regex: String
  }

  input NumberFilterInput {
    equal: Float
    notEqual: Float
    greaterThan: Float
    greaterThanOrEqual: Float
    lessThan: Float
    lessThanOrEqual: Float
  }

  input InterviewListPaginationInput {
    "1 to 100; 20 when omitted."
    limit: Int
    "The lastCursor of the previous page; the first page when omitted."
    lastCursor: String
    "FORWARD continues after lastCursor; BACKWARD (ours) returns the page before it."
    direction: PaginationDirection
  }

  enum PaginationDirection {
    FORWARD
    BACKWARD
  }

  input InterviewListSortInput {
    field: InterviewListSortField!
    direction: SortDirection
  }

  enum InterviewListSortField {
    createdAt
  }

  enum SortDirection {
    ASC
    DESC
  }

  type InterviewListType {
    results: [InterviewType!]!
    "Pass it back as pagination.lastCursor for the next page; an empty results list means the end."
    lastCursor: String
    "Results in this page."
    count: Int!
    "Interviews matching the filter."
    total: Int!
  }

  input inputCandidate {
    "Full name; used when firstName is not given (legacy invite)."
    name: String
    firstName: String
    lastName: String
    email: String
    "International format, e.g. +1 555 0100."
    phone: String
  }

  input InviteCandidateToInterviewInput {
    positionId: String
    candidate: inputCandidate
    "The ATS's own id; unique per position."
    externalId: String
    "true: create the link without emailing the candidate."
    disableNotifications: Boolean
    "An object of up to 25 keys, nested at most 3 levels."
    metadata: JSON
  }

  union InviteCandidateToInterviewResult =
    | InterviewType
    | InterviewAlreadyExistsInPositionError
    | InterviewExternalIdAlreadyExistsInPositionError
    | PositionNotFoundError
    | PositionNotReadyToAcceptInvitesError
    | ExceededInvitesThisPeriodError
    | ValidationError

  "The email has an open invitation to this position."
  type InterviewAlreadyExistsInPositionError {
    code: Int!
    name: String!
    message: String!
  }

  type InterviewExternalIdAlreadyExistsInPositionError {
    code: Int!
    name: String!
    message: String!
  }

  type PositionNotFoundError {
    code: Int!
    name: String!
    message: String!
  }

  "The position is archived or has no questions."
  type PositionNotReadyToAcceptInvitesError {
    code: Int!
    name: String!
    message: String!
  }

  "Never returned here (no plan limits); in the schema so that Hireflix clients' queries validate."
  type ExceededInvitesThisPeriodError {
    code: Int!
    name: String!
    message: String!
  }

  type ValidationError {
    code: Int!
    name: String!
    message: String!
    fieldErrors: [FieldErrorType!]!
  }

  type FieldErrorType {
    "The input field, e.g. candidate.email."
    flattenedPath: String!
    message: String!
  }

  type PositionMutationType {
    id: String!
    invite(candidate: inputCandidate): InterviewType!
  }

  "Mutations on one interview; they run in the order written."
  type InterviewMutationType {
    id: String!
    "true shortlists; false moves a shortlisted interview back to be evaluated."
    finalist(finalist: Boolean): InterviewType!
    "true discards; false moves a discarded interview back to be evaluated."
    archive(archive: Boolean): InterviewType!
  }

  type WebhookType {
    id: String!
    url: String!
    "interview.create, interview.finish, interview.status-change, interview.delete, interview.score-updated."
    events: [String!]!
    active: Boolean!
    description: String!
    "Why deliveries stopped (e.g. the receiver answered 410), or null."
    disabledReason: String
    createdAt: Float!
    updatedAt: Float!
  }

  type WebhookSecretType {
    secret: String!
    "After a rotation, until when webhook-signature also carries a signature with the previous secret (x-hireflix-signature uses the new one at once)."
    previousSecretValidUntil: Float
  }

  input CreateWebhookInput {
    url: String
    events: [String!]
    "true when omitted."
    active: Boolean
    description: String
  }

  input UpdateWebhookInput {
    id: String
    url: String
    events: [String!]
    active: Boolean
    description: String
  }
`;

/** The executable schema: the SDL above with each resolver set on its field (the others read the parent's property). */
export function buildHireflixSchema(resolvers: Resolvers): GraphQLSchema {
  const schema = buildSchema(hireflixTypeDefs);
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`Resolvers for ${typeName}, which is not an object type of the schema`);
    const defined = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = defined[fieldName];
      if (!field) throw new Error(`Resolver for ${typeName}.${fieldName}, which the schema does not have`);
      field.resolve = (parent, args, ctx) => resolve(parent, args, ctx);
    }
  }
  return schema;
}
