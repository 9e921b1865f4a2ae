import pRetry from 'p-retry';

/** PostgreSQL's code for a transaction it rolled back to break a deadlock. */
const DEADLOCK_DETECTED = '40P01';

/**
 * Runs a transaction again when PostgreSQL rolled it back to break a deadlock (a few times, after a short wait): two
 * transactions that lock the same rows in different orders are safe to run again, and the other has finished by then.
 * Any other error is thrown at once.
 */
export function retryOnDeadlock<T>(transaction: () => Promise<T>): Promise<T> {
  return pRetry(transaction, {
    retries: 3,
    minTimeout: 5,
    maxTimeout: 50,
    randomize: true,
    shouldRetry: ({ error }) => (error as { code?: unknown }).code === DEADLOCK_DETECTED,
  });
}
