// Interview templates (positions) and their questions.
import { api } from './api-client.ts';

export interface Question {
  id: string;
  title: string;
  description: string;
  thinkTimeSeconds: number;
  maxAnswerSeconds: number;
  retakes: number;
}

export interface Position {
  id: string;
  name: string;
  introMessage: string;
  archived: boolean;
  archivedAt: number | null;
  createdAt: number;
  updatedAt: number;
  questions: Question[];
}

/** A question being edited: `id` is absent for one not saved yet. */
export type QuestionDraft = Omit<Question, 'id'> & { id?: string };

export interface PositionDraft {
  name: string;
  introMessage: string;
  questions: QuestionDraft[];
}

export const QUESTION_DEFAULTS: Omit<QuestionDraft, 'title'> = { description: '', thinkTimeSeconds: 30, maxAnswerSeconds: 120, retakes: 1 };

export type ArchiveFilter = 'active' | 'archived' | 'all';

export async function listPositions(archived: ArchiveFilter = 'active'): Promise<Position[]> {
  return (await api.get<{ items: Position[] }>('/positions', { query: { archived } })).items;
}

export const getPosition = (id: string) => api.get<Position>(`/positions/${encodeURIComponent(id)}`);

export const createPosition = (draft: PositionDraft) => api.post<Position>('/positions', draft);

/**
 * Saves name, intro and the full ordered question list (questions with an id keep their identity), only if the
 * template is still the version `expectedUpdatedAt` names (else ApiError position_changed).
 */
export const updatePosition = (id: string, draft: PositionDraft, expectedUpdatedAt?: number) =>
  api.patch<Position>(`/positions/${encodeURIComponent(id)}`, { ...draft, expectedUpdatedAt });

export const duplicatePosition = (id: string, name?: string) => api.post<Position>(`/positions/${encodeURIComponent(id)}/duplicate`, name ? { name } : {});

export const setPositionArchived = (id: string, archived: boolean) =>
  api.post<Position>(`/positions/${encodeURIComponent(id)}/${archived ? 'archive' : 'unarchive'}`);
