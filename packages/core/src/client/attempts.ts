/**
 * Sending with retries: one HTTP attempt through the transport (non-2xx statuses become classified
 * ImageErrors), and the loop that classifies a failure, asks decideRetry, sleeps (abortable) and
 * tries again. Cancellation (the signal) wins over everything and is never retried.
 */
import { classifyFailure } from '../errors/classify-failure.js';
import { classifyResponse } from '../errors/classify-response.js';
import { cancelledError, ImageError } from '../errors/image-error.js';
import { decideRetry } from '../errors/retry.js';
import type { WireRequest } from '../providers/index.js';
import { invalidRequestError } from '../request/validate.js';
import { readWholeBody } from '../receive/body.js';
import type { HttpResponse, ProgressEvent, Transport } from '../types.js';
import type { ClientSettings } from './settings.js';

export type Emit = (event: ProgressEvent) => void;

export interface Attempts {
  /** The transport, or an invalid_request error saying none was given. */
  transport(): Transport;
  /** Any failure as an ImageError, credentials redacted. */
  classify(caught: unknown): ImageError;
  /** Sends one wire request; a non-2xx status throws its classified ImageError. */
  send(wire: WireRequest, signal: AbortSignal | undefined, model: string | undefined): Promise<HttpResponse>;
  /** Runs `attempt` until it succeeds, the error is not retryable, retries run out or the signal aborts. */
  withRetries<T>(
    call: number,
    signal: AbortSignal | undefined,
    emit: Emit,
    attempt: (n: number) => Promise<T>,
    announce?: boolean,
  ): Promise<T>;
}

export function createAttempts(settings: ClientSettings): Attempts {
  const { provider, sleep, maxRetries, random, now, secrets, timeoutMs, maxResponseBytes } = settings;
  const classify = (caught: unknown) => classifyFailure(caught, secrets);

  function transport(): Transport {
    if (!settings.transport) {
      throw invalidRequestError([
        {
          field: 'transport',
          message:
            'No transport: pass one (e.g. createGotTransport() or createFetchTransport()), or use @brushwork/core/node.',
        },
      ]);
    }
    return settings.transport;
  }

  async function send(
    wire: WireRequest,
    signal: AbortSignal | undefined,
    model: string | undefined,
  ): Promise<HttpResponse> {
    const response = await transport()({ ...wire, timeoutMs, signal, maxResponseBytes });
    if (response.status >= 200 && response.status < 300) return response;
    const body = await readWholeBody(response);
    throw classifyResponse({
      status: response.status,
      headers: response.headers,
      body,
      model,
      provider: provider.kind,
      now,
      secrets,
    });
  }

  async function withRetries<T>(
    call: number,
    signal: AbortSignal | undefined,
    emit: Emit,
    attempt: (n: number) => Promise<T>,
    announce = true,
  ): Promise<T> {
    for (let n = 1; ; n++) {
      if (signal?.aborted) throw cancelledError(signal.reason);
      if (announce) emit({ type: 'request', call, attempt: n });
      let error: ImageError;
      try {
        return await attempt(n);
      } catch (caught) {
        if (signal?.aborted) throw cancelledError(caught);
        error = caught instanceof ImageError ? caught : classify(caught);
      }
      if (error.kind === 'cancelled') throw error;
      const decision = decideRetry(error, n - 1, maxRetries, random);
      if (!decision.retry) throw error;
      emit({ type: 'retry', call, attempt: n + 1, delayMs: decision.delayMs, reason: error.message });
      try {
        await sleep(decision.delayMs, signal);
      } catch (caught) {
        throw cancelledError(caught);
      }
    }
  }

  return { transport, classify, send, withRetries };
}

/** A progress callback that can never break the request. */
export function emitter(onProgress: ((event: ProgressEvent) => void) | undefined): Emit {
  if (!onProgress) return () => {};
  return (event) => {
    try {
      onProgress(event);
    } catch {
      // A failing progress listener must not break the request.
    }
  };
}
