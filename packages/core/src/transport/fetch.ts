/**
 * A Transport on the global `fetch` (Node 18+, browsers, workers). No dependency. No retries, no
 * redirects followed (any status is a response), per-attempt timeout, AbortSignal, response size cap,
 * optional streaming.
 */
import { BodyCollector, declaredBodyLength } from '../receive/body.js';
import { errorChain } from '../errors/cause-chain.js';
import { cancelledTransportError, responseTooLarge, TransportError } from '../errors/image-error.js';
import type { HttpRequest, HttpResponse, Transport } from '../types.js';

export interface FetchTransportOptions {
  /** Defaults to globalThis.fetch. */
  fetch?: typeof fetch;
}

interface Attempt {
  signal: AbortSignal;
  /** Which of the two ended it, when aborted. */
  reason(): 'timeout' | 'cancelled' | undefined;
  done(): void;
}

function startAttempt(request: HttpRequest): Attempt {
  const controller = new AbortController();
  let reason: 'timeout' | 'cancelled' | undefined;
  const onAbort = () => {
    reason ??= 'cancelled';
    controller.abort();
  };
  const timer = setTimeout(() => {
    reason ??= 'timeout';
    controller.abort();
  }, request.timeoutMs);
  if (request.signal?.aborted) onAbort();
  else request.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    reason: () => reason,
    done: () => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** fetch says only "fetch failed": the code and the socket's own words ("read ECONNRESET") are in the causes. */
function innermost(error: unknown): { code?: string; message?: string } {
  const links = errorChain(error);
  return {
    code: links.find((link) => link.code !== undefined)?.code,
    message: links.findLast((link) => link.message !== undefined)?.message,
  };
}

function toTransportError(error: unknown, attempt: Attempt, request: HttpRequest): TransportError {
  if (error instanceof TransportError) return error;
  const reason = attempt.reason();
  if (reason === 'timeout') {
    return new TransportError('timeout', `No complete answer within ${request.timeoutMs} ms`);
  }
  if (reason === 'cancelled') return cancelledTransportError();
  const { code, message } = innermost(error);
  return new TransportError('network', message ?? 'no detail from the network layer', code);
}

function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  // Headers iterates lower-case names with repeated values already joined by ", ".
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return headers;
}

async function* readChunks(
  response: Response,
  attempt: Attempt,
  request: HttpRequest,
): AsyncGenerator<Uint8Array, void, undefined> {
  const limit = request.maxResponseBytes;
  const reader = response.body?.getReader();
  if (!reader) return;
  let received = 0;
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (error) {
        throw toTransportError(error, attempt, request);
      }
      if (step.done) return;
      received += step.value.length;
      if (limit !== undefined && received > limit) throw responseTooLarge(limit);
      yield step.value;
    }
  } finally {
    attempt.done();
    reader.cancel().catch(() => {});
  }
}

export function createFetchTransport(options: FetchTransportOptions = {}): Transport {
  return async (request) => {
    const doFetch = options.fetch ?? globalThis.fetch;
    const attempt = startAttempt(request);
    let response: Response;
    try {
      if (attempt.signal.aborted) throw new Error('aborted');
      response = await doFetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body as BodyInit | undefined,
        signal: attempt.signal,
        redirect: 'manual',
      });
    } catch (error) {
      attempt.done();
      throw toTransportError(error, attempt, request);
    }
    const headers = headersOf(response);
    const limit = request.maxResponseBytes;
    const declared = Number(headers['content-length']);
    if (limit !== undefined && Number.isFinite(declared) && declared > limit) {
      attempt.done();
      response.body?.cancel().catch(() => {});
      throw responseTooLarge(limit);
    }
    const result: HttpResponse = { status: response.status, headers };
    if (request.stream || request.streamBody) {
      result.chunks = readChunks(response, attempt, request);
      return result;
    }
    const collector = new BodyCollector(declaredBodyLength(headers));
    for await (const chunk of readChunks(response, attempt, request)) collector.push(chunk);
    result.body = collector.finish();
    return result;
  };
}
