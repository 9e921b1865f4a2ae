// The server's feed of interview changes (GET /api/live, server-sent events), shared by the open pages.

export interface InterviewChange {
  interviewId: string;
  event: string;
  seq: number;
}

type Listener = (change: InterviewChange) => void;

let source: EventSource | null = null;
const listeners = new Set<Listener>();

function connect(): void {
  if (source || typeof EventSource === 'undefined') return;
  // EventSource reconnects by itself and resumes with Last-Event-ID.
  source = new EventSource('/api/live', { withCredentials: true });
  source.addEventListener('interview', (event) => {
    let change: InterviewChange;
    try {
      change = JSON.parse((event as MessageEvent<string>).data) as InterviewChange;
    } catch {
      return;
    }
    for (const listener of listeners) listener(change);
  });
}

/** Calls `listener` for each change in the workspace until the returned function is called. */
export function subscribeToInterviewChanges(listener: Listener): () => void {
  listeners.add(listener);
  connect();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) disconnectLiveUpdates();
  };
}

/** After logout or a workspace switch the feed must start again for the new session. */
export function disconnectLiveUpdates(): void {
  source?.close();
  source = null;
}

export function reconnectLiveUpdates(): void {
  disconnectLiveUpdates();
  if (listeners.size) connect();
}
