/**
 * The node's one way out to the network: a core `Transport` built on n8n's request helpers.
 *
 * - API calls (the core marks them with an `authorization` or `api-key` header) go through
 *   `httpRequestWithAuthentication`: the core's placeholder header is dropped and n8n adds the real
 *   credential, so the key never passes through Brushwork code.
 * - Image downloads (signed URLs the API returned; no auth header) go through plain `httpRequest`, so
 *   the credential is never sent to a storage host.
 *
 * Statuses are never thrown (`ignoreHttpStatusErrors`): the core classifies and retries them. Failures
 * without a response become a core `TransportError`.
 *
 * The body is asked for as a stream and copied into one array allocated from content-length; the
 * core decodes a single image over that array (no second image-sized array) and frees it once n8n
 * has the image. With n8n's `arraybuffer` encoding, axios keeps every chunk and then concatenates
 * them (twice a 4K answer's 33 MB at once), and that body can only go when the garbage collector
 * gets round to it.
 */
import {
  cancelledTransportError,
  errorChain,
  type HttpRequest,
  type ImageError,
  type HttpResponse,
  lowerCaseHeaders,
  NETWORK_CODES,
  readWholeBody,
  responseTooLarge,
  type Transport,
  TransportError,
} from '@brushwork/core';
import type {
  IExecuteFunctions,
  IHttpRequestMethods,
  IHttpRequestOptions,
  ILoadOptionsFunctions,
  IN8nHttpFullResponse,
} from 'n8n-workflow';

export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions;

/** What the core is given as an API key: a marker n8n replaces. Never sent anywhere. */
export const CREDENTIAL_PLACEHOLDER = 'n8n-managed-credential';

const AUTH_HEADERS = ['authorization', 'api-key'];

function toPlainHeaders(raw: unknown): Record<string, string> {
  if (!raw || typeof raw !== 'object') return {};
  const source =
    typeof (raw as { toJSON?: unknown }).toJSON === 'function'
      ? ((raw as { toJSON: () => unknown }).toJSON() as Record<string, unknown>)
      : (raw as Record<string, unknown>);
  return lowerCaseHeaders(source);
}

function toBytes(body: unknown): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body === undefined || body === null) return new Uint8Array(0);
  return new TextEncoder().encode(JSON.stringify(body));
}

/** Maps whatever n8n's request helper threw to the core's TransportError. Never leaks headers. */
export function toTransportError(error: unknown, signal?: AbortSignal): TransportError {
  if (error instanceof TransportError) return error;
  // n8n wraps request failures in NodeApiError: look a little deeper than the core does.
  const chain = errorChain(error, 6);
  const codes = chain.map((e) => e.code ?? '').filter(Boolean);
  const names = chain.map((e) => e.name ?? '');
  const messages = chain.map((e) => e.message ?? '');
  const code = codes.find((c) => c !== 'ERR_BAD_REQUEST' && c !== 'ERR_BAD_RESPONSE') ?? codes[0];
  if (
    signal?.aborted ||
    codes.includes('ERR_CANCELED') ||
    names.some((n) => n === 'AbortError' || n === 'CanceledError')
  ) {
    return cancelledTransportError(code);
  }
  if (
    codes.includes('ECONNABORTED') ||
    codes.includes('ETIMEDOUT') ||
    messages.some((m) => /timeout|timed out/i.test(m))
  ) {
    return new TransportError('timeout', 'The request timed out before the server answered.', code);
  }
  if (codes.includes('ERR_FR_MAX_BODY_LENGTH_EXCEEDED')) {
    return new TransportError('bad_response', 'The response is larger than the allowed size.', code);
  }
  if (codes.includes('ERR_BAD_RESPONSE')) {
    // Status errors are never thrown here (ignoreHttpStatusErrors), so this is a body cut short: the
    // connection closed mid-answer. Like a reset, that is worth another attempt.
    return new TransportError('network', 'The connection closed before the whole answer arrived.', 'ERR_BAD_RESPONSE');
  }
  const known = codes.find((c) => NETWORK_CODES.has(c));
  // The core's classifier adds "The connection failed (CODE)"; the detail is the socket's own words.
  const detail = messages.filter(Boolean).at(-1) ?? 'no detail from the network layer';
  return new TransportError('network', detail, known ?? code);
}

/** A streamed body as n8n returns it for `encoding: 'stream'` (a Node Readable; no import needed). */
interface BodyStream extends AsyncIterable<Uint8Array> {
  destroy?(error?: Error): void;
  destroyed?: boolean;
  on?(event: 'error', listener: (error: unknown) => void): unknown;
}

function isBodyStream(body: unknown): body is BodyStream {
  return (
    typeof body === 'object' &&
    body !== null &&
    !(body instanceof Uint8Array) &&
    typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/**
 * The body's chunks for the core, enforcing the size cap and the signal as they arrive; any failure
 * while reading becomes a TransportError. The stream is always closed at the end.
 */
async function* readChunks(stream: BodyStream, request: HttpRequest): AsyncGenerator<Uint8Array, void, undefined> {
  const limit = request.maxResponseBytes;
  const signal = request.signal;
  const onAbort = () => stream.destroy?.(cancelledTransportError());
  signal?.addEventListener('abort', onAbort, { once: true });
  let total = 0;
  try {
    if (signal?.aborted) throw cancelledTransportError();
    for await (const chunk of stream) {
      total += chunk.length;
      if (limit !== undefined && total > limit) throw responseTooLarge(limit);
      yield chunk;
    }
  } catch (error) {
    throw toTransportError(error, signal);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!stream.destroyed) stream.destroy?.();
  }
}

/** Rejects as soon as the signal aborts (n8n's helper only listens to the execution's own signal). */
function whenAborted(signal: AbortSignal | undefined): { promise: Promise<never>; dispose: () => void } {
  if (!signal) return { promise: new Promise<never>(() => {}), dispose: () => {} };
  let onAbort: () => void = () => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelledTransportError());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

export interface N8nTransportOptions {
  /**
   * Recognises a failure of the credential itself before any call was sent (an OAuth2 token request
   * refused), as the core error to report; other failures are mapped by `toTransportError`.
   */
  authFailure?: (error: unknown) => ImageError | undefined;
}

/**
 * A core Transport on n8n's helpers. `credentialType` is the n8n credential whose `authenticate` (or
 * OAuth2 token) signs API calls.
 */
export function createN8nTransport(
  context: RequestContext,
  credentialType: string,
  { authFailure }: N8nTransportOptions = {},
): Transport {
  return async (request: HttpRequest): Promise<HttpResponse> => {
    const headers: Record<string, string> = {};
    let authenticated = false;
    for (const [name, value] of Object.entries(request.headers)) {
      if (AUTH_HEADERS.includes(name.toLowerCase())) authenticated = true;
      else headers[name] = value;
    }
    const options: IHttpRequestOptions = {
      url: request.url,
      method: request.method as IHttpRequestMethods,
      headers,
      encoding: 'stream',
      returnFullResponse: true,
      ignoreHttpStatusErrors: true,
      json: false,
      timeout: request.timeoutMs,
      // A redirect to another host must not carry the key.
      sendCredentialsOnCrossOriginRedirect: false,
    };
    if (request.body !== undefined) {
      options.body = typeof request.body === 'string' ? request.body : Buffer.from(request.body);
    }
    if (request.signal) options.abortSignal = request.signal;
    const aborted = whenAborted(request.signal);
    try {
      const sent: Promise<IN8nHttpFullResponse> = authenticated
        ? context.helpers.httpRequestWithAuthentication.call(context, credentialType, options)
        : context.helpers.httpRequest(options);
      const response = await Promise.race([sent, aborted.promise]);
      const status = Number(response.statusCode);
      const responseHeaders = toPlainHeaders(response.headers);
      const body: unknown = response.body;
      if (!isBodyStream(body)) return { status, headers: responseHeaders, body: toBytes(body) };
      // Until the core reads it, an error on the stream (a reset) must not go unhandled; reading
      // reports it.
      body.on?.('error', () => {});
      const declared = Number(responseHeaders['content-length']);
      if (request.maxResponseBytes !== undefined && Number.isFinite(declared) && declared > request.maxResponseBytes) {
        body.destroy?.();
        throw responseTooLarge(request.maxResponseBytes);
      }
      const chunks = readChunks(body, request);
      // Event streams (partial images) go to the core as they arrive.
      if (request.stream && status >= 200 && status < 300) return { status, headers: responseHeaders, chunks };
      // The whole body in one array sized from content-length: the core's own, freed once decoded.
      return {
        status,
        headers: responseHeaders,
        body: await readWholeBody({ status, headers: responseHeaders, chunks }),
      };
    } catch (error) {
      throw (authenticated && authFailure?.(error)) || toTransportError(error, request.signal);
    } finally {
      aborted.dispose();
    }
  };
}
