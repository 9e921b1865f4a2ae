// A pasted list of candidates ("Ada Lovelace, ada@example.com" or "Ada Lovelace <ada@example.com>", one a line).

export interface PastedCandidate {
  name: string;
  email: string;
}

const EMAIL = /[^\s<>,;"']+@[^\s<>,;"']+/;

/** One candidate per non-empty line; a line without a name keeps an empty one so the server's report names the row. */
export function parsePastedCandidates(text: string): PastedCandidate[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const email = line.match(EMAIL)?.[0] ?? '';
      const name = line
        .replace(email, ' ')
        .replace(/[<>"';,\t]+/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      return { name, email: email || line };
    });
}
