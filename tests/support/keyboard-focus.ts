import type { JSHandle, Locator, Page } from 'playwright-core';

// Keyboard focus in the web apps, whose components keep their elements in shadow roots.

/** The element that has keyboard focus, through shadow roots; a handle to null when nothing has. Dispose of it after use. */
function focusedElement(page: Page): Promise<JSHandle<Element | null>> {
  return page.evaluateHandle(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el;
  });
}

/** The element that has keyboard focus, through shadow roots, as "tag: name" (aria-label, a label's text, or its own text). */
export async function describeFocused(page: Page): Promise<string> {
  const focused = await focusedElement(page);
  try {
    return await focused.evaluate((el) => {
      if (!el || el === document.body) return 'nothing';
      const labels = (el as HTMLSelectElement).labels;
      const name = el.getAttribute('aria-label') ?? (labels?.[0]?.textContent || el.textContent || '');
      return `${el.tagName.toLowerCase()}: ${name.replace(/\s+/g, ' ').trim()}`;
    });
  } finally {
    await focused.dispose();
  }
}

/** Whether `target` is the element that has keyboard focus (through shadow roots). */
export async function isFocused(target: Locator): Promise<boolean> {
  const focused = await focusedElement(target.page());
  try {
    return await target.evaluate((target, el) => el === target, focused);
  } finally {
    await focused.dispose();
  }
}

/**
 * Presses Tab (Shift+Tab with `backwards`) until `target` has focus, at most `maxPresses` times.
 * Returns what had focus after each press; throws with that path when `target` was not reached.
 */
export async function tabTo(page: Page, target: Locator, options: { backwards?: boolean; maxPresses?: number } = {}): Promise<string[]> {
  const path: string[] = [];
  for (let i = 0; i < (options.maxPresses ?? 20); i++) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    path.push(await describeFocused(page));
    if (await isFocused(target)) return path;
  }
  throw new Error(`${options.backwards ? 'Shift+Tab' : 'Tab'} never reached ${target}; focus went ${path.join(' → ')}`);
}
