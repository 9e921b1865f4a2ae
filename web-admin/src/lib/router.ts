// The app's pages as URLs under /admin/, parsed into a route the shell renders.

export type SettingsTab = 'members' | 'api-keys' | 'webhooks' | 'emails';
export const SETTINGS_TABS: SettingsTab[] = ['members', 'api-keys', 'webhooks', 'emails'];

export type Route =
  | { name: 'login'; next: string | null }
  | { name: 'setup' }
  | { name: 'join'; token: string }
  | { name: 'templates'; archived: boolean }
  | { name: 'template-new' }
  | { name: 'template-edit'; positionId: string }
  | { name: 'pipeline'; positionId: string }
  | { name: 'review'; interviewId: string }
  | { name: 'settings'; tab: SettingsTab }
  | { name: 'not-found' };

export const BASE = '/admin';

/** Pages anyone may open without a session. */
export const PUBLIC_ROUTES = new Set<Route['name']>(['login', 'setup', 'join']);

export function parseRoute(pathname: string, search: string): Route {
  const params = new URLSearchParams(search);
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third] = parts;
  if (parts.length === 0) return { name: 'templates', archived: false };
  switch (first) {
    case 'login':
      return { name: 'login', next: safeNext(params.get('next')) };
    case 'setup':
      return { name: 'setup' };
    case 'join':
      return { name: 'join', token: params.get('token') ?? '' };
    case 'templates':
      if (!second) return { name: 'templates', archived: params.get('archived') === '1' };
      if (second === 'new' && parts.length === 2) return { name: 'template-new' };
      if (third === 'edit' && parts.length === 3) return { name: 'template-edit', positionId: second };
      if (parts.length === 2) return { name: 'pipeline', positionId: second };
      return { name: 'not-found' };
    case 'interviews':
      return second && parts.length === 2 ? { name: 'review', interviewId: second } : { name: 'not-found' };
    case 'settings': {
      if (!second) return { name: 'settings', tab: 'members' };
      const tab = SETTINGS_TABS.find((t) => t === second);
      return tab && parts.length === 2 ? { name: 'settings', tab } : { name: 'not-found' };
    }
    default:
      return { name: 'not-found' };
  }
}

/** Only paths inside the app are followed after login, never another site. */
function safeNext(next: string | null): string | null {
  return next && next.startsWith(`${BASE}/`) && !next.startsWith('//') ? next : null;
}

export const urls = {
  templates: (archived = false) => `${BASE}/templates${archived ? '?archived=1' : ''}`,
  newTemplate: () => `${BASE}/templates/new`,
  editTemplate: (id: string) => `${BASE}/templates/${encodeURIComponent(id)}/edit`,
  pipeline: (id: string) => `${BASE}/templates/${encodeURIComponent(id)}`,
  review: (id: string) => `${BASE}/interviews/${encodeURIComponent(id)}`,
  settings: (tab: SettingsTab = 'members') => `${BASE}/settings/${tab}`,
  login: (next?: string) => `${BASE}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`,
  setup: () => `${BASE}/setup`,
};

/** Fired on window by `navigate`; the shell listens and renders the new route. */
export const NAVIGATE_EVENT = 'admin-navigate';

export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new CustomEvent(NAVIGATE_EVENT));
}

let leaveCheck: (() => boolean) | null = null;

/**
 * The open page's question before the person leaves it through the app (a link, back or forward): false keeps
 * them there, e.g. with unsaved work. Returns the call that withdraws it (when the page goes; a page opened
 * meanwhile keeps its own). Closing the tab is the page's beforeunload.
 */
export function askBeforeLeaving(check: () => boolean): () => void {
  leaveCheck = check;
  return () => {
    if (leaveCheck === check) leaveCheck = null;
  };
}

export const mayLeave = (): boolean => !leaveCheck || leaveCheck();

/** The app's own links are followed without a page load; modified clicks (new tab) are left to the browser. */
export function interceptLinkClicks(root: EventTarget): void {
  root.addEventListener('click', (event) => {
    const e = event as MouseEvent;
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const anchor = e.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== location.origin) return;
    if (!anchor.pathname.startsWith(`${BASE}/`) && anchor.pathname !== BASE) return;
    e.preventDefault();
    if (mayLeave()) navigate(anchor.pathname + anchor.search);
  });
}
