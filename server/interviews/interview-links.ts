/** Every URL of an interview, absolute from the configured public base URL, built in one place. */
export function interviewUrls(baseUrl: string, i: { id: string; token: string; hash: string }) {
  return {
    public: `${baseUrl}/i/${i.token}`,
    short: `${baseUrl}/c/${i.hash}`,
    private: `${baseUrl}/admin/interviews/${i.id}`,
  };
}

/**
 * The candidate's link opens the interview as the candidate (start it, record, replace takes): owners, admins and
 * API keys hand it out; a reviewer sees the interview without it (its hash is the short link's code).
 */
export function withoutCandidateLink<T extends { hash: string | null; url: { public: string | null; short: string | null; private: string } }>(view: T): T {
  return { ...view, hash: null, url: { ...view.url, public: null, short: null } };
}
