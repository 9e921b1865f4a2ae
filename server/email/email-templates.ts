export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

const formatDeadline = (epochMs: number) =>
  new Date(epochMs).toUTCString().replace('GMT', 'UTC');

function layout(paragraphs: string[], action?: { label: string; url: string }): string {
  const body = paragraphs.map((p) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`).join('');
  const button = action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="background:#1f4fd1;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(action.label)}</a></p><p style="margin:0 0 16px;font-size:13px;color:#555">Or open this link: <a href="${escapeHtml(action.url)}">${escapeHtml(action.url)}</a></p>`
    : '';
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1a1a1a;max-width:560px;margin:0 auto;padding:24px">${body}${button}</body></html>`;
}

export function invitationEmail(p: { candidateName: string; positionName: string; workspaceName: string; link: string; expiresAt: number | null }): RenderedEmail {
  const deadline = p.expiresAt ? `Please complete it before ${formatDeadline(p.expiresAt)}.` : 'There is no deadline, but the sooner the better.';
  const lines = [
    `Hi ${p.candidateName},`,
    `${p.workspaceName} invites you to a one-way video interview for the position "${p.positionName}". You will answer a few questions on camera, in your own time, from your browser.`,
    deadline,
    'Use a quiet place, a recent browser, and allow the camera and microphone when asked. The link is personal: do not share it.',
  ];
  return {
    subject: `Your video interview for ${p.positionName}`,
    text: `${lines.join('\n\n')}\n\nStart your interview: ${p.link}\n`,
    html: layout(lines, { label: 'Start your interview', url: p.link }),
  };
}

export function reminderEmail(p: { candidateName: string; positionName: string; workspaceName: string; link: string; expiresAt: number }): RenderedEmail {
  const lines = [
    `Hi ${p.candidateName},`,
    `A reminder: your video interview for "${p.positionName}" at ${p.workspaceName} closes on ${formatDeadline(p.expiresAt)}.`,
    'If you already started, the link takes you back to where you left off.',
  ];
  return {
    subject: `Reminder: your video interview for ${p.positionName} closes soon`,
    text: `${lines.join('\n\n')}\n\nContinue your interview: ${p.link}\n`,
    html: layout(lines, { label: 'Continue your interview', url: p.link }),
  };
}

export function completedEmail(p: { reviewerName: string; candidateName: string; positionName: string; reviewUrl: string }): RenderedEmail {
  const lines = [`Hi ${p.reviewerName},`, `${p.candidateName} has completed the video interview for "${p.positionName}". The answers are ready to review.`];
  return {
    subject: `${p.candidateName} completed the interview for ${p.positionName}`,
    text: `${lines.join('\n\n')}\n\nReview the answers: ${p.reviewUrl}\n`,
    html: layout(lines, { label: 'Review the answers', url: p.reviewUrl }),
  };
}

export function memberInvitationEmail(p: { workspaceName: string; inviterName: string; role: string; link: string }): RenderedEmail {
  const lines = [`${p.inviterName} invites you to join ${p.workspaceName} as ${p.role === 'reviewer' ? 'a reviewer' : `an ${p.role}`}.`, 'The link is valid for 7 days.'];
  return {
    subject: `Join ${p.workspaceName} to review video interviews`,
    text: `${lines.join('\n\n')}\n\nAccept the invitation: ${p.link}\n`,
    html: layout(lines, { label: 'Accept the invitation', url: p.link }),
  };
}
