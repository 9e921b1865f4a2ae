// Which takes this browser tab recorded, across its reloads: sessionStorage is kept by a reload and not
// shared with other tabs (IndexedDB is shared by every tab of the browser).

/** A set of answer ids in sessionStorage; in memory only where the browser refuses sessionStorage. */
export class TabTakes {
  private readonly ids: Set<string>;

  constructor(private readonly key: string) {
    let saved: string[] = [];
    try {
      saved = JSON.parse(sessionStorage.getItem(key) ?? '[]') as string[];
    } catch {
      // Unavailable or unreadable: this page's memory only.
    }
    this.ids = new Set(Array.isArray(saved) ? saved : []);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    try {
      sessionStorage.setItem(this.key, JSON.stringify([...this.ids].slice(-100)));
    } catch {
      // As above.
    }
  }
}
