/** Splitting a request for n images into calls, and running tasks under a concurrency bound. */

export interface PlannedCall {
  /** 0-based call number. */
  call: number;
  /** Images this call asks for (undefined: the request did not set n, send none). */
  n?: number;
  /** Index (in the whole request) of this call's first image. */
  firstIndex: number;
  /** Indexes of the images this call should produce. */
  indexes: number[];
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}

/**
 * One call when n fits in a call (or the model is unknown: the server judges), else calls of
 * `maxPerCall` images each, the last taking the rest.
 */
export function planCalls(n: number | undefined, maxPerCall: number | undefined): PlannedCall[] {
  const total = n ?? 1;
  if (maxPerCall === undefined || maxPerCall < 1 || total <= maxPerCall) {
    const call: PlannedCall = { call: 0, firstIndex: 0, indexes: range(0, total) };
    if (n !== undefined) call.n = n;
    return [call];
  }
  const calls: PlannedCall[] = [];
  for (let first = 0; first < total; first += maxPerCall) {
    const count = Math.min(maxPerCall, total - first);
    calls.push({ call: calls.length, n: count, firstIndex: first, indexes: range(first, count) });
  }
  return calls;
}

/**
 * Runs `count` tasks with at most `concurrency` in flight, starting them in index order. Returns
 * every outcome in index order; never rejects.
 */
export async function runBounded<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await task(index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(concurrency) || 1, count));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
