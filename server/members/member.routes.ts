import { createRoute, z } from '@hono/zod-openapi';
import { asAdmin, inWorkspace } from '../http/actor.ts';
import { IdParam, createRouter, errorResponses, jsonBody, jsonResponse } from '../http/router.ts';
import { Password } from '../auth/auth.routes.ts';
import { EmailAddress } from '../shared/email-address.ts';
import type { MemberService } from './member.service.ts';

const tags = ['Members'];
const Role = z.enum(['owner', 'admin', 'reviewer']);
const Member = z.object({ id: z.string(), email: z.string(), name: z.string(), role: Role, joinedAt: z.number() }).openapi('Member');
const MemberInvitation = z.object({ id: z.string(), email: z.string(), role: Role, expiresAt: z.number(), createdAt: z.number() }).openapi('MemberInvitation');
const TokenQuery = z.object({ token: z.string().min(10).max(200) });

export function memberRoutes(members: MemberService) {
  const app = createRouter();

  app.openapi(
    createRoute({ method: 'get', path: '/members', tags, summary: 'Members of the workspace', responses: { 200: jsonResponse(z.object({ items: z.array(Member) }), 'Members'), ...errorResponses } }),
    async (c) => c.json({ items: await members.list(inWorkspace(c).workspaceId) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/members/invitations',
      tags,
      summary: 'Open invitations to join the workspace',
      responses: { 200: jsonResponse(z.object({ items: z.array(MemberInvitation) }), 'Invitations'), ...errorResponses },
    }),
    async (c) => c.json({ items: await members.listInvitations(asAdmin(c).workspaceId) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/members/invitations',
      tags,
      summary: 'Invite a person by email to join with a role',
      request: jsonBody(z.object({ email: EmailAddress, role: Role.default('reviewer') })),
      responses: { 201: jsonResponse(MemberInvitation.extend({ acceptUrl: z.string() }), 'Invited'), ...errorResponses },
    }),
    async (c) => {
      const actor = asAdmin(c);
      const { email, role } = c.req.valid('json');
      return c.json(await members.invite(actor.workspaceId, actor.userId, email, role, actor.role), 201);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/members/invitations/{id}', tags, summary: 'Withdraw an invitation', request: { params: IdParam }, responses: { 204: { description: 'Withdrawn' }, ...errorResponses } }),
    async (c) => {
      await members.revokeInvitation(asAdmin(c).workspaceId, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/members/{id}',
      tags,
      summary: "Change a member's role",
      request: { params: IdParam, ...jsonBody(z.object({ role: Role })) },
      responses: { 200: jsonResponse(Member, 'Updated'), ...errorResponses },
    }),
    async (c) => {
      const actor = asAdmin(c);
      return c.json(await members.changeRole(actor.workspaceId, c.req.valid('param').id, c.req.valid('json').role, actor.role), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/members/{id}', tags, summary: 'Remove a member from the workspace', request: { params: IdParam }, responses: { 204: { description: 'Removed' }, ...errorResponses } }),
    async (c) => {
      const actor = asAdmin(c);
      await members.remove(actor.workspaceId, c.req.valid('param').id, actor.role);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/member-invitations',
      tags,
      summary: 'Public: what an invitation link is for (workspace, email, whether the account exists)',
      request: { query: TokenQuery },
      responses: {
        200: jsonResponse(z.object({ workspaceName: z.string(), email: z.string(), role: Role, hasAccount: z.boolean() }), 'The invitation'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await members.describeInvitation(c.req.valid('query').token), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/member-invitations/accept',
      tags,
      summary: 'Public: accept an invitation, creating the account if needed; then log in',
      request: jsonBody(TokenQuery.extend({ name: z.string().trim().min(1).max(200).optional(), password: Password })),
      responses: { 200: jsonResponse(z.object({ email: z.string(), workspaceId: z.string() }), 'Joined'), ...errorResponses },
    }),
    async (c) => {
      const { token, ...input } = c.req.valid('json');
      return c.json(await members.accept(token, input), 200);
    },
  );

  return app;
}
