import type { Platform } from '../app.ts';

export interface DemoCredentials {
  email: string;
  password: string;
  apiKey: string;
  workspaceId: string;
}

const questions = [
  { title: 'Tell us about yourself', description: 'Two minutes on who you are and what brings you here.', thinkTimeSeconds: 30, maxAnswerSeconds: 120, retakes: 2 },
  { title: 'A difficult customer', description: 'Describe a time you turned an unhappy customer around. What did you do?', thinkTimeSeconds: 45, maxAnswerSeconds: 180, retakes: 1 },
  { title: 'Why this role?', description: 'What would you want to achieve in your first 90 days?', thinkTimeSeconds: 30, maxAnswerSeconds: 90, retakes: 1 },
];

const candidates = [
  { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 20 7946 0018' },
  { name: 'Grace Hopper', email: 'grace@example.com' },
  { name: 'Alan Turing', email: 'alan@example.com', externalId: 'ats-1001' },
];

/** A workspace, an owner, a template and a few invitations, so a fresh install has something to look at. */
export async function seedDemo(platform: Platform, password: string): Promise<DemoCredentials> {
  const { workspaces, apiKeys, positions, interviews } = platform.services;
  const email = 'demo@example.com';
  const { workspaceId } = await workspaces.createWithOwner({ workspaceName: 'Demo Company', ownerEmail: email, ownerName: 'Demo Recruiter', ownerPassword: password });
  const { key } = await apiKeys.create(workspaceId, 'Demo ATS', null);
  const position = await positions.create(workspaceId, {
    name: 'Customer Success Manager',
    introMessage: 'Thanks for applying! This short video interview has three questions. Take a moment to think before each one; you can retake some answers.',
    questions,
  });
  const week = 7 * 86400_000;
  for (const candidate of candidates) {
    await interviews.invite(workspaceId, position.id, { ...candidate, expiresAt: platform.ctx.clock.now() + week, sendEmail: true });
  }
  return { email, password, apiKey: key, workspaceId };
}
