import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { currentMember, type AppEnv } from '../http/actor.ts';
import { SESSION_COOKIE } from '../http/authenticate.ts';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../http/router.ts';
import { AppError } from '../shared/errors.ts';
import { EmailAddress } from '../shared/email-address.ts';
import type { WorkspaceService } from '../workspaces/workspace.service.ts';
import type { AuthService } from './auth.service.ts';

const tags = ['Session'];
const Role = z.enum(['owner', 'admin', 'reviewer']);
const SessionBody = z
  .object({
    user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
    workspaces: z.array(z.object({ id: z.string(), name: z.string(), role: Role })),
    workspaceId: z.string().nullable(),
    role: Role.nullable(),
    csrfToken: z.string().openapi({ description: 'Send it back as X-CSRF-Token on every state-changing request' }),
  })
  .openapi('Session');
export const Password = z.string().min(10, 'must be at least 10 characters').max(200);

export function authRoutes(auth: AuthService, workspaces: WorkspaceService, secureCookies: boolean, sessionTtlMs: number) {
  const app = createRouter();
  const startSession = (c: Context<AppEnv>, token: string) =>
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: secureCookies, path: '/', maxAge: Math.floor(sessionTtlMs / 1000) });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      tags,
      summary: 'Log in with email and password; sets an HttpOnly session cookie',
      request: jsonBody(z.object({ email: EmailAddress, password: z.string().min(1).max(200) })),
      responses: { 200: jsonResponse(SessionBody, 'Logged in'), ...errorResponses },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      const { sessionToken, view } = await auth.login(email, password);
      startSession(c, sessionToken);
      return c.json(view, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/auth/session', tags, summary: 'The current session', responses: { 200: jsonResponse(SessionBody, 'Logged in'), ...errorResponses } }),
    async (c) => c.json(await auth.view(currentMember(c).sessionIdHash), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/workspace',
      tags,
      summary: 'Switch the workspace this session acts in',
      request: jsonBody(z.object({ workspaceId: z.string().min(1).max(64) })),
      responses: { 200: jsonResponse(SessionBody, 'Switched'), ...errorResponses },
    }),
    async (c) => {
      const member = currentMember(c);
      return c.json(await auth.switchWorkspace(member.sessionIdHash, member.userId, c.req.valid('json').workspaceId), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/auth/logout', tags, summary: 'Log out', responses: { 204: { description: 'Logged out' }, ...errorResponses } }),
    async (c) => {
      await auth.logout(currentMember(c).sessionIdHash);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/setup',
      tags: ['Setup'],
      summary: 'Whether the first owner still has to be created',
      responses: { 200: jsonResponse(z.object({ needsSetup: z.boolean() }), 'Setup state') },
    }),
    async (c) => c.json({ needsSetup: await workspaces.isFirstRun() }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/setup',
      tags: ['Setup'],
      summary: 'First run only: create the first workspace and its owner, and log in',
      request: jsonBody(z.object({ workspaceName: z.string().trim().min(1).max(200), name: z.string().trim().min(1).max(200), email: EmailAddress, password: Password })),
      responses: { 201: jsonResponse(SessionBody, 'Created and logged in'), ...errorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      if (!(await workspaces.isFirstRun())) throw new AppError('setup_done', 'This server already has an owner; log in instead');
      await workspaces.createFirstOwner({ workspaceName: input.workspaceName, ownerEmail: input.email, ownerName: input.name, ownerPassword: input.password });
      const { sessionToken, view } = await auth.login(input.email, input.password);
      startSession(c, sessionToken);
      return c.json(view, 201);
    },
  );

  return app;
}
