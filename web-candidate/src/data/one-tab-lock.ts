/**
 * One tab per interview in this browser: two tabs would record the same question into the same take and
 * share the pieces kept on this device. The lock (Web Locks API) is held while the page is open and let go
 * by the browser when it closes or reloads.
 */

/** A reload lets the old page's lock go just after the new page asks: ask again for this long. */
const RELOAD_GRACE_MS = 2000;
const RETRY_EVERY_MS = 250;

export async function holdInterviewTab(token: string): Promise<boolean> {
  const locks = navigator.locks;
  // Browsers without the API (Safari before 15.4) go on unguarded, as before.
  if (!locks) return true;
  const name = `interview-tab:${token}`;
  const deadline = Date.now() + RELOAD_GRACE_MS;
  for (;;) {
    const held = await new Promise<boolean>((resolve) => {
      locks
        .request(name, { ifAvailable: true }, (lock) => {
          resolve(lock !== null);
          // Held until the page goes.
          return lock ? new Promise<void>(() => {}) : undefined;
        })
        .catch(() => resolve(true));
    });
    if (held || Date.now() >= deadline) return held;
    await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
  }
}

/** Whether this browser can keep a second tab out (see holdInterviewTab). */
export function tabLocksAvailable(): boolean {
  return typeof navigator !== 'undefined' && !!navigator.locks;
}
