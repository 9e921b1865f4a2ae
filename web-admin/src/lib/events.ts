// Events components send up to the shell.

/** Asks the shell to say something in its polite live region (screen readers read it). */
export function announce(from: EventTarget, message: string): void {
  from.dispatchEvent(new CustomEvent('announce', { detail: { message }, bubbles: true, composed: true }));
}

/** Tells the shell what the page is about, for the document title. */
export function setPageTitle(from: EventTarget, title: string): void {
  from.dispatchEvent(new CustomEvent('page-title', { detail: { title }, bubbles: true, composed: true }));
}
