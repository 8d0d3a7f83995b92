// Polls a condition until it holds, for tests of asynchronous work; fails naming what never happened.

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What we are waiting for, for the error message. */
  what?: string;
}

/**
 * Resolves with the first truthy value `fn` returns. Thrown errors count as "not yet"; the last one
 * is reported if time runs out.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitForOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 50 } = opts;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      last = await fn();
      lastError = undefined;
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError
        ? `last error: ${(lastError as Error).message ?? lastError}`
        : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what ?? 'a condition'} (${why})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
