/** Test support: a scripted in-memory Transport and tiny image fixtures (no network). */
import { TransportError } from '../src/errors/image-error.js';
import type { HttpRequest, HttpResponse, Sleep, Transport } from '../src/types.js';

/** A PNG header (signature + IHDR) that sniffs as PNG and reads as width × height, plus filler. */
export function fakePng(width: number, height: number, filler = 16): Uint8Array {
  const bytes = new Uint8Array(33 + filler);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes[24] = 8;
  bytes[25] = 6;
  for (let i = 33; i < bytes.length; i++) bytes[i] = i & 0xff;
  return bytes;
}

export const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

const enc = new TextEncoder();

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: enc.encode(typeof body === 'string' ? body : JSON.stringify(body)),
  };
}

export function raw(status: number, body: string | Uint8Array, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers, body: typeof body === 'string' ? enc.encode(body) : body };
}

export function sse(chunks: string[], headers: Record<string, string> = {}): HttpResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream', ...headers },
    chunks: (async function* () {
      for (const chunk of chunks) yield enc.encode(chunk);
    })(),
  };
}

export function imagesBody(images: Uint8Array[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { created: 1_700_000_000, data: images.map((bytes) => ({ b64_json: b64(bytes) })), ...extra };
}

export type Step =
  | HttpResponse
  | Error
  | ((request: HttpRequest) => HttpResponse | Promise<HttpResponse>)
  /** Never answers; rejects with TransportError('cancelled') when the request's signal aborts. */
  | 'hang';

export interface Scripted {
  transport: Transport;
  requests: HttpRequest[];
}

/** Answers requests from `steps` in order; a keyed script answers by URL substring instead. */
export function scripted(steps: Step[] | ((request: HttpRequest, n: number) => Step)): Scripted {
  const requests: HttpRequest[] = [];
  const transport: Transport = async (request) => {
    requests.push(request);
    const step = Array.isArray(steps) ? steps[requests.length - 1] : steps(request, requests.length - 1);
    if (step === undefined) throw new Error(`unexpected request #${requests.length}: ${request.method} ${request.url}`);
    if (step === 'hang') {
      return new Promise<HttpResponse>((_, reject) => {
        const fail = () => reject(new TransportError('cancelled', 'aborted'));
        if (request.signal?.aborted) fail();
        request.signal?.addEventListener('abort', fail, { once: true });
      });
    }
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(request);
    return step;
  };
  return { transport, requests };
}

/** A Sleep that records delays and resolves at once (abortable), advancing an optional fake clock. */
export function recordingSleep(clock?: { now: number }): { sleep: Sleep; delays: number[] } {
  const delays: number[] = [];
  const sleep: Sleep = async (ms, signal) => {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    delays.push(ms);
    if (clock) clock.now += ms;
  };
  return { sleep, delays };
}
