import type { Generated } from 'kysely';

// Times are epoch milliseconds; nullable timestamps double as flags.
export type Role = 'owner' | 'admin' | 'reviewer';
export type InterviewStatus = 'pending' | 'in_progress' | 'completed' | 'expired' | 'cancelled';
export type Decision = 'shortlisted' | 'discarded';

export interface WorkspacesTable {
  id: string;
  name: string;
  webhook_secret: string;
  webhook_secret_previous: string | null;
  webhook_secret_previous_until: number | null;
  created_at: number;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: number;
}

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: Role;
  created_at: number;
}

export interface MemberInvitationsTable {
  id: string;
  workspace_id: string;
  email: string;
  role: Role;
  token_hash: string;
  invited_by: string | null;
  expires_at: number;
  accepted_at: number | null;
  created_at: number;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  workspace_id: string | null;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface ApiKeysTable {
  id: string;
  workspace_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface PositionsTable {
  id: string;
  workspace_id: string;
  name: string;
  intro_message: string;
  archived_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface QuestionsTable {
  id: string;
  position_id: string;
  sort_order: number;
  title: string;
  description: string;
  think_time_seconds: number;
  max_answer_seconds: number;
  retakes: number;
}

export interface InterviewsTable {
  id: string;
  workspace_id: string;
  position_id: string;
  hash: string;
  token: string;
  candidate_first_name: string;
  candidate_last_name: string;
  candidate_email: string;
  candidate_email_key: string;
  candidate_phone: string | null;
  external_id: string | null;
  metadata: string | null;
  status: InterviewStatus;
  decision: Decision | null;
  decided_at: number | null;
  reviewer_user_id: string | null;
  notifications_disabled: number;
  score: number | null;
  expires_at: number | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  completed_at: number | null;
  cancelled_at: number | null;
  expired_at: number | null;
  /** The candidate submitted the last answer; `completed` follows once every answer is finalised. */
  submitted_at: number | null;
}

export interface InterviewQuestionsTable {
  id: string;
  interview_id: string;
  source_question_id: string | null;
  sort_order: number;
  title: string;
  description: string;
  think_time_seconds: number;
  max_answer_seconds: number;
  retakes: number;
  /** When the candidate was first shown it (think time runs from then); null before. */
  opened_at: number | null;
}

export type EmailKind = 'invitation' | 'reminder' | 'completed' | 'member_invitation';

export interface EmailsTable {
  id: string;
  workspace_id: string | null;
  interview_id: string | null;
  kind: EmailKind;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: 'queued' | 'sent' | 'failed';
  transport: 'smtp' | 'outbox' | null;
  attempts: number;
  last_error: string | null;
  sent_at: number | null;
  created_at: number;
}

export interface JobsTable {
  id: string;
  name: string;
  payload: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  unique_key: string | null;
  attempts: number;
  max_attempts: number;
  run_at: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
}

export type AnswerStatus = 'recording' | 'submitted' | 'ready' | 'failed' | 'discarded';

export interface AnswersTable {
  id: string;
  interview_id: string;
  interview_question_id: string;
  take: number;
  status: AnswerStatus;
  mime_type: string;
  chunk_count: number | null;
  bytes_received: number;
  recorded_ms: number | null;
  media_key: string | null;
  media_type: string | null;
  media_bytes: number | null;
  thumbnail_key: string | null;
  duration_seconds: number | null;
  width: number | null;
  height: number | null;
  processing_error: string | null;
  processing_attempts: number;
  created_at: number;
  submitted_at: number | null;
  finalized_at: number | null;
}

export interface AnswerChunksTable {
  answer_id: string;
  seq: number;
  size: number;
  storage_key: string;
  created_at: number;
}

export interface StorageGarbageTable {
  storage_key: string;
  created_at: number;
}

export interface StorageMultipartUploadsTable {
  upload_id: string;
  /** The object's key in the bucket, prefix included. */
  object_key: string;
  started_at: number;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: number;
}

export const WEBHOOK_EVENTS = ['interview.create', 'interview.finish', 'interview.status-change', 'interview.delete', 'interview.score-updated'] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

export interface WebhooksTable {
  id: string;
  workspace_id: string;
  /** JSON array of WebhookEventName. */
  events: string;
  url: string;
  active: number;
  description: string;
  disabled_reason: string | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookEventsTable {
  seq: Generated<number>;
  id: string;
  workspace_id: string;
  interview_id: string;
  event: string;
  /** The exact JSON body that is sent and signed. */
  body: string;
  created_at: number;
}

export type DeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed' | 'cancelled';

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_seq: number;
  interview_id: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  /** 1 while an earlier delivery of the same webhook and interview is open: the claim does not look at it. */
  blocked: number;
  locked_by: string | null;
  locked_until: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_excerpt: string | null;
}

export interface ReviewsTable {
  interview_id: string;
  user_id: string;
  overall_score: number | null;
  /** JSON object: interview question id -> score. */
  question_scores: string;
  updated_at: number;
}

export interface CommentsTable {
  id: string;
  interview_id: string;
  user_id: string | null;
  author_name: string;
  body: string;
  created_at: number;
}

export interface LoginThrottleTable {
  email_key: string;
  failures: number;
  window_started_at: number;
}

export interface Database {
  workspaces: WorkspacesTable;
  users: UsersTable;
  memberships: MembershipsTable;
  member_invitations: MemberInvitationsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  positions: PositionsTable;
  questions: QuestionsTable;
  interviews: InterviewsTable;
  interview_questions: InterviewQuestionsTable;
  emails: EmailsTable;
  jobs: JobsTable;
  answers: AnswersTable;
  answer_chunks: AnswerChunksTable;
  storage_garbage: StorageGarbageTable;
  storage_multipart_uploads: StorageMultipartUploadsTable;
  server_secrets: ServerSecretsTable;
  webhooks: WebhooksTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  reviews: ReviewsTable;
  comments: CommentsTable;
  login_throttle: LoginThrottleTable;
}
