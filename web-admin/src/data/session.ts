// Logging in and out, the workspace the session acts in, the first-run setup and joining by invitation.
import { api, setCsrfToken, ApiError } from './api-client.ts';

export type Role = 'owner' | 'admin' | 'reviewer';

export interface WorkspaceMembership {
  id: string;
  name: string;
  role: Role;
}

export interface Session {
  user: { id: string; email: string; name: string };
  workspaces: WorkspaceMembership[];
  workspaceId: string | null;
  role: Role | null;
  csrfToken: string;
}

export const canManage = (session: Session | null): boolean => session?.role === 'owner' || session?.role === 'admin';

function started(session: Session): Session {
  setCsrfToken(session.csrfToken);
  return session;
}

/** The current session, or null when nobody is logged in. */
export async function loadSession(): Promise<Session | null> {
  try {
    return started(await api.get<Session>('/auth/session', { quietUnauthenticated: true }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function login(email: string, password: string): Promise<Session> {
  return started(await api.post<Session>('/auth/login', { email, password }, { quietUnauthenticated: true }));
}

export async function logout(): Promise<void> {
  await api.post<void>('/auth/logout').catch((error) => {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  });
  setCsrfToken(null);
}

export async function switchWorkspace(workspaceId: string): Promise<Session> {
  return started(await api.post<Session>('/auth/workspace', { workspaceId }));
}

export async function needsSetup(): Promise<boolean> {
  return (await api.get<{ needsSetup: boolean }>('/setup')).needsSetup;
}

export interface SetupInput {
  workspaceName: string;
  name: string;
  email: string;
  password: string;
}

export async function completeSetup(input: SetupInput): Promise<Session> {
  return started(await api.post<Session>('/setup', input, { quietUnauthenticated: true }));
}

export interface MemberInvitationInfo {
  workspaceName: string;
  email: string;
  role: Role;
  hasAccount: boolean;
}

export function describeMemberInvitation(token: string): Promise<MemberInvitationInfo> {
  return api.get<MemberInvitationInfo>('/member-invitations', { query: { token }, quietUnauthenticated: true });
}

/** Joins the workspace (creating the account when new), then logs in as that account in the joined workspace. */
export async function acceptMemberInvitation(token: string, input: { name?: string; password: string }): Promise<Session> {
  const joined = await api.post<{ email: string; workspaceId: string }>('/member-invitations/accept', { token, ...input }, { quietUnauthenticated: true });
  const session = await login(joined.email, input.password);
  return session.workspaceId === joined.workspaceId ? session : switchWorkspace(joined.workspaceId);
}
