/**
 * The provider's model list, kept briefly. list_models answers from it while it is fresh, and calls
 * that arrive while one request is out share that request: under load (many image calls in flight)
 * the list stays a quick answer instead of one more request in the queue. Failures are not kept.
 * One cache serves every session of a server process (they share one configuration).
 */
import type { ImageClient, ModelInfo } from '@brushwork/core';

export const MODEL_LIST_TTL_MS = 60_000;

export interface ModelListCache {
  /** The list from `client` (or from the cache); `signal` abandons this caller's wait only. */
  get(client: ImageClient, signal?: AbortSignal): Promise<ModelInfo[]>;
}

export function createModelListCache(ttlMs = MODEL_LIST_TTL_MS, now: () => number = Date.now): ModelListCache {
  let fresh: { models: ModelInfo[]; until: number } | undefined;
  let pending: Promise<ModelInfo[]> | undefined;
  return {
    get(client, signal) {
      if (fresh && now() < fresh.until) return Promise.resolve(fresh.models);
      pending ??= client
        .listModels()
        .then((models) => {
          fresh = { models, until: now() + ttlMs };
          return models;
        })
        .finally(() => {
          pending = undefined;
        });
      return untilAborted(pending, signal);
    },
  };
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
