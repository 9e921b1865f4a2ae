// What reviewers see and give on one interview: answers with playable media, scores, comments.
import { api } from './api-client.ts';

export interface Answer {
  id: string;
  take: number;
  status: 'recording' | 'submitted' | 'ready' | 'failed' | 'discarded';
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  mediaType: string | null;
  videoUrl: string | null;
  thumbnailUrl: string | null;
  processingError: string | null;
  submittedAt: number | null;
  finalizedAt: number | null;
}

export interface QuestionAnswer {
  questionId: string;
  title: string;
  description: string;
  thinkTimeSeconds: number;
  maxAnswerSeconds: number;
  retakes: number;
  answer: Answer | null;
}

export interface Review {
  reviewer: { id: string; name: string; email: string };
  overallScore: number | null;
  questionScores: Record<string, number | null>;
  updatedAt: number;
}

export interface Reviews {
  /** The interview's score: the mean of the reviewers' overall scores. */
  score: number | null;
  reviews: Review[];
  mine: Review | null;
}

export interface Comment {
  id: string;
  authorId: string | null;
  authorName: string;
  body: string;
  createdAt: number;
}

const base = (interviewId: string) => `/interviews/${encodeURIComponent(interviewId)}`;

export async function listAnswers(interviewId: string): Promise<QuestionAnswer[]> {
  return (await api.get<{ items: QuestionAnswer[] }>(`${base(interviewId)}/answers`)).items;
}

/** Processes an answer whose processing failed again, from the chunks the candidate uploaded (owners and admins). */
export const retryAnswer = (interviewId: string, answerId: string) => api.post<Answer>(`${base(interviewId)}/answers/${encodeURIComponent(answerId)}/retry`);

export const getReviews = (interviewId: string) => api.get<Reviews>(`${base(interviewId)}/reviews`);

export const saveMyReview = (interviewId: string, overallScore: number | null, questionScores: Record<string, number | null>) =>
  api.put<Reviews>(`${base(interviewId)}/review`, { overallScore, questionScores });

export async function listComments(interviewId: string): Promise<Comment[]> {
  return (await api.get<{ items: Comment[] }>(`${base(interviewId)}/comments`)).items;
}

export const addComment = (interviewId: string, body: string) => api.post<Comment>(`${base(interviewId)}/comments`, { body });

export const deleteComment = (interviewId: string, commentId: string) => api.delete<void>(`${base(interviewId)}/comments/${encodeURIComponent(commentId)}`);
