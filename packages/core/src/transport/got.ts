/**
 * A Transport on got 16, exported from the subpath `@brushwork/core/got` so bundles that do not want
 * got never include it. Core owns retries: got's are off, any status is a response, redirects are not
 * followed (the client decides), decompression on, keep-alive agents, per-attempt timeout, abort
 * signal, response size cap, optional streaming.
 *
 * The body is received through got's stream interface straight into one Buffer sized from
 * content-length (no chunk list, no join), which skips the promise API's extra buffering and JSON
 * handling: core parses the bytes itself.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import got, { type Got } from 'got';
import { BodyCollector, declaredBodyLength } from '../receive/body.js';
import { lowerCaseHeaders } from '../errors/http-headers.js';
import { cancelledTransportError, responseTooLarge, TransportError } from '../errors/image-error.js';
import type { HttpRequest, HttpResponse, Transport } from '../types.js';

export interface GotTransportOptions {
  /** Keep connections alive between requests (default true). */
  keepAlive?: boolean;
  /** Sockets per host (default 16). */
  maxSockets?: number;
  /** Your own agents (then keepAlive / maxSockets are ignored). */
  agent?: { http?: http.Agent; https?: https.Agent };
  /** A got instance to extend (proxies, hooks); default the got export. */
  got?: Got;
  /** Sent when the request has no user-agent. Default "brushwork". */
  userAgent?: string;
}

type GotStream = Readable & { once(event: 'response', listener: (response: http.IncomingMessage) => void): unknown };

function toTransportError(error: unknown, request: HttpRequest): TransportError {
  if (error instanceof TransportError) return error;
  if (request.signal?.aborted) return cancelledTransportError();
  const { name, code, message } = (error ?? {}) as { name?: string; code?: unknown; message?: string };
  const errorCode = typeof code === 'string' ? code : undefined;
  if (name === 'TimeoutError' || errorCode === 'ETIMEDOUT') {
    return new TransportError('timeout', `No complete answer within ${request.timeoutMs} ms`, errorCode);
  }
  if (name === 'AbortError' || errorCode === 'ERR_ABORTED') {
    return cancelledTransportError();
  }
  // The classifier adds "The connection failed (CODE)"; the detail is the socket's own words.
  return new TransportError('network', message || 'no detail from the network layer', errorCode);
}

function bodyFor(body: string | Uint8Array | undefined): string | Buffer | undefined {
  if (body === undefined || typeof body === 'string') return body;
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/**
 * The whole body as one array (allocated once from content-length when declared), enforcing the size
 * cap as chunks arrive.
 */
function collect(stream: Readable, request: HttpRequest, declared: number | undefined): Promise<Uint8Array> {
  const limit = request.maxResponseBytes;
  return new Promise<Uint8Array>((resolve, reject) => {
    const collector = new BodyCollector(declared);
    let overflow: TransportError | undefined;
    stream.on('data', (chunk: Buffer) => {
      if (overflow) return;
      if (limit !== undefined && collector.total + chunk.length > limit) {
        // got wraps errors passed to destroy(): keep ours and reject with it directly.
        overflow = responseTooLarge(limit);
        reject(overflow);
        stream.destroy();
        return;
      }
      // Chunks belong to Node's HTTP parser: copied into the body, never freed or detached here (a
      // detached socket buffer cut answers short).
      collector.push(chunk);
    });
    stream.once('end', () => resolve(collector.finish()));
    stream.once('error', (error) => reject(overflow ?? toTransportError(error, request)));
  });
}

async function* iterate(stream: Readable, request: HttpRequest): AsyncGenerator<Uint8Array, void, undefined> {
  const limit = request.maxResponseBytes;
  let total = 0;
  try {
    for await (const chunk of stream) {
      total += (chunk as Buffer).length;
      if (limit !== undefined && total > limit) throw responseTooLarge(limit);
      yield chunk as Buffer;
    }
  } catch (error) {
    throw toTransportError(error, request);
  } finally {
    if (!stream.destroyed) stream.destroy();
  }
}

export function createGotTransport(options: GotTransportOptions = {}): Transport {
  const keepAlive = options.keepAlive ?? true;
  const maxSockets = options.maxSockets ?? 16;
  const agent = options.agent ?? {
    http: new http.Agent({ keepAlive, maxSockets }),
    https: new https.Agent({ keepAlive, maxSockets }),
  };
  const client = (options.got ?? got).extend({
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    decompress: true,
    http2: false,
    agent,
  });
  const userAgent = options.userAgent ?? 'brushwork';
  return async (request): Promise<HttpResponse> => {
    if (request.signal?.aborted) throw cancelledTransportError();
    const headers = { 'user-agent': userAgent, ...request.headers };
    const stream = client.stream(request.url, {
      method: request.method,
      headers,
      body: bodyFor(request.body),
      timeout: { request: request.timeoutMs },
      signal: request.signal,
    }) as unknown as GotStream;
    // A listener from the start: an error before anyone reads must not go unhandled.
    let failure: unknown;
    stream.on('error', (error) => {
      failure ??= error;
    });
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      stream.once('response', resolve);
      stream.once('error', (error) => reject(toTransportError(error, request)));
    });
    const result: HttpResponse = { status: response.statusCode ?? 0, headers: lowerCaseHeaders(response.headers) };
    const limit = request.maxResponseBytes;
    const onWire = Number(result.headers['content-length']);
    if (limit !== undefined && Number.isFinite(onWire) && onWire > limit) {
      stream.destroy();
      throw responseTooLarge(limit);
    }
    if (failure) throw toTransportError(failure, request);
    if (request.stream || request.streamBody) {
      result.chunks = iterate(stream, request);
      return result;
    }
    result.body = await collect(stream, request, declaredBodyLength(result.headers));
    return result;
  };
}
