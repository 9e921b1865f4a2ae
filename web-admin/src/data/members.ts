// The workspace's members, their roles and the open invitations to join.
import { api } from './api-client.ts';
import type { Role } from './session.ts';

export interface Member {
  id: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: number;
}

export interface MemberInvitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: number;
  createdAt: number;
}

export async function listMembers(): Promise<Member[]> {
  return (await api.get<{ items: Member[] }>('/members')).items;
}

export async function listMemberInvitations(): Promise<MemberInvitation[]> {
  return (await api.get<{ items: MemberInvitation[] }>('/members/invitations')).items;
}

/** Emails a join link; `acceptUrl` is returned so it can be passed on by hand too. */
export const inviteMember = (email: string, role: Role) => api.post<MemberInvitation & { acceptUrl: string }>('/members/invitations', { email, role });

export const withdrawMemberInvitation = (id: string) => api.delete<void>(`/members/invitations/${encodeURIComponent(id)}`);

export const changeMemberRole = (id: string, role: Role) => api.patch<Member>(`/members/${encodeURIComponent(id)}`, { role });

export const removeMember = (id: string) => api.delete<void>(`/members/${encodeURIComponent(id)}`);
