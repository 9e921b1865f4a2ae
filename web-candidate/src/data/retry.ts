// Trying a request again until the network and the server let it through.
import pRetry from 'p-retry';
import { isRetryable } from './candidate-api.ts';

/**
 * Runs `request` until it succeeds or fails for a reason other than the network or the server being
 * down (p-retry: exponential backoff with jitter, 1 s to 15 s); `onWaiting(true)` while it waits.
 */
export async function withRetries<T>(request: () => Promise<T>, onWaiting?: (waiting: boolean) => void): Promise<T> {
  let waited = false;
  try {
    return await pRetry(request, {
      retries: Number.POSITIVE_INFINITY,
      minTimeout: 1000,
      maxTimeout: 15_000,
      randomize: true,
      shouldRetry: ({ error }) => isRetryable(error),
      onFailedAttempt: () => {
        waited = true;
        onWaiting?.(true);
      },
    });
  } finally {
    if (waited) onWaiting?.(false);
  }
}
