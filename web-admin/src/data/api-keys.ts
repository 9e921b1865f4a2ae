// API keys for applicant tracking systems: the secret is shown once, on create and rotate.
import { api } from './api-client.ts';

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface NewApiKey {
  apiKey: ApiKey;
  key: string;
}

export async function listApiKeys(): Promise<ApiKey[]> {
  return (await api.get<{ items: ApiKey[] }>('/api-keys')).items;
}

export const createApiKey = (name: string) => api.post<NewApiKey>('/api-keys', { name });

export const rotateApiKey = (id: string) => api.post<NewApiKey>(`/api-keys/${encodeURIComponent(id)}/rotate`);

export const revokeApiKey = (id: string) => api.delete<ApiKey>(`/api-keys/${encodeURIComponent(id)}`);
