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

/** Bearer tokens kept for redaction besides the configured credentials. */
const MAX_REMEMBERED_TOKENS = 8;

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
  const { provider, sleep, maxRetries, random, now, timeoutMs, maxResponseBytes } = settings;
  // The configured credentials, then every bearer token handed out by the token source (redacted too).
  const secrets: string[] = [...settings.secrets];
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
    let sent = await sendOnce(await authorize(wire, signal, undefined), signal);
    if (sent.response.status === 401 && sent.token !== undefined) {
      // The token may have expired or been revoked early: one new token, one more try of this call.
      await readWholeBody(sent.response);
      sent = await sendOnce(await authorize(wire, signal, sent.token), signal);
    }
    return checkStatus(sent.response, model);
  }

  interface Authorized {
    wire: WireRequest;
    /** The bearer token it carries (providers with a token source). */
    token?: string;
  }

  async function sendOnce(
    { wire, token }: Authorized,
    signal: AbortSignal | undefined,
  ): Promise<Authorized & { response: HttpResponse }> {
    const response = await transport()({ ...wire, timeoutMs, signal, maxResponseBytes });
    return { wire, token, response };
  }

  /** The wire request with a bearer token when the provider takes tokens (a new one when `rejected` is set). */
  async function authorize(
    wire: WireRequest,
    signal: AbortSignal | undefined,
    rejected: string | undefined,
  ): Promise<Authorized> {
    const { tokenSource, withToken } = provider;
    if (!tokenSource || !withToken) return { wire };
    const { token } = await tokenSource.getToken({ signal, rejected });
    rememberSecret(token);
    return { wire: withToken(wire, token), token };
  }

  /** Tokens join the secrets to redact; only the latest few are kept (a long-lived client sees many). */
  function rememberSecret(token: string): void {
    if (secrets.includes(token)) return;
    secrets.push(token);
    if (secrets.length > settings.secrets.length + MAX_REMEMBERED_TOKENS) secrets.splice(settings.secrets.length, 1);
  }

  async function checkStatus(response: HttpResponse, model: string | undefined): Promise<HttpResponse> {
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
