/** Every URL of an interview, absolute from the configured public base URL, built in one place. */
export function interviewUrls(baseUrl: string, i: { id: string; token: string; hash: string }) {
  return {
    public: `${baseUrl}/i/${i.token}`,
    short: `${baseUrl}/c/${i.hash}`,
    private: `${baseUrl}/admin/interviews/${i.id}`,
  };
}
