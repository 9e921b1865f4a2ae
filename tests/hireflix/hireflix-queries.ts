// Query and mutation strings as ATSs built for Hireflix send them. The first ones are copied verbatim from
// ../shared/spec/hireflix-compat.md (section 2); the others follow Hireflix's developer guides.

export const INVITE_DOCUMENTED = `
    mutation($input: InviteCandidateToInterviewInput!) {
      inviteCandidateToInterview(input: $input) {
        __typename
        ... on InterviewType { id hash status url { public short private } }
        ... on InterviewAlreadyExistsInPositionError { code name message }
        ... on ValidationError { code name message fieldErrors { flattenedPath message } }
      }
    }
`;

export const LEGACY_INVITE_DOCUMENTED = `
    mutation($positionId: String, $candidate: inputCandidate) {
      Position(id: $positionId) { invite(candidate: $candidate) {
        id status createdAt thumbnail url { public private short } candidate { name } } }
    }
`;

export const INTERVIEW_DOCUMENTED = `
  query($id: String!) {
    interview(id: $id) { id hash status answered completed createdAt externalId score { value } candidate { name firstName lastName email phone } url { public short private } thumbnail position { id name } questions { id title description answered answer { id url thumbnail createdAt } } }
  }
`;

export const POSITIONS = `
  query Positions {
    positions { id name archived active }
  }
`;

export const POSITION_WITH_QUESTIONS = `
  query Position($id: String!) {
    position(id: $id) {
      id
      name
      archived
      questions { id title description timeToThink timeToAnswer retakes }
      interviews { id status candidate { email } }
    }
  }
`;

/** Every error member of the union, each message aliased, as integrations that handle all of them write it. */
export const INVITE_ALL_MEMBERS = `
  mutation Invite($input: InviteCandidateToInterviewInput!) {
    inviteCandidateToInterview(input: $input) {
      __typename
      ... on InterviewType { id hash status answered completed score { value } url { public short private } }
      ... on InterviewAlreadyExistsInPositionError { code name alreadyExists: message }
      ... on InterviewExternalIdAlreadyExistsInPositionError { code name externalIdTaken: message }
      ... on PositionNotFoundError { code name notFound: message }
      ... on PositionNotReadyToAcceptInvitesError { code name notReady: message }
      ... on ExceededInvitesThisPeriodError { code name exceeded: message }
      ... on ValidationError { code name invalid: message fieldErrors { flattenedPath message } }
    }
  }
`;

/** The list of a position's interviews to evaluate, newest first (Hireflix's "list interviews for a position"). */
export const TO_EVALUATE = `
  query ToEvaluate($id: String!, $lastCursor: String) {
    position(id: $id) {
      name
      interviewList(input: {
        filter: { status: { equal: "to_evaluate" } }
        pagination: { limit: 2, lastCursor: $lastCursor, direction: FORWARD }
        sort: { field: createdAt, direction: DESC }
      }) {
        results { id status candidate { fullName email } }
        lastCursor
        count
        total
      }
    }
  }
`;

export const INTERVIEW_LIST = `
  query List($id: String!, $input: InterviewListInput) {
    position(id: $id) {
      interviewList(input: $input) { results { id status createdAt candidate { lastName email } score { value } } lastCursor count total }
    }
  }
`;

export const DISCARD = `
  mutation Discard($id: String) {
    Interview(id: $id) { archive(archive: true) { id status discardedAt } }
  }
`;

export const SHORTLIST = `
  mutation Shortlist($id: String) {
    Interview(id: $id) { finalist(finalist: true) { id status finalist } }
  }
`;

export const BACK_TO_EVALUATE = `
  mutation Undo($id: String) {
    Interview(id: $id) { finalist(finalist: false) { id status finalist } }
  }
`;

export const CREATE_WEBHOOK = `
  mutation CreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) { id url events active }
  }
`;

export const UPDATE_WEBHOOK = `
  mutation UpdateWebhook($input: UpdateWebhookInput!) {
    updateWebhook(input: $input) { id url events active }
  }
`;

export const DELETE_WEBHOOK = `
  mutation DeleteWebhook($id: String!) { deleteWebhook(id: $id) }
`;

export const WEBHOOKS_AND_SECRET = `
  query { webhooks { id url events active } webhookSecret { secret } }
`;
