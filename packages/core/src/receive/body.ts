import type { HttpResponse } from '../types.js';

/** Concatenates chunks into one Uint8Array (one copy; none when there is a single chunk). */
export function concatChunks(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const length = total ?? chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

interface BufferStatic {
  allocUnsafe(size: number): Uint8Array;
}

/** An uninitialised byte array (Node's Buffer.allocUnsafe when present: no zero-fill of megabytes). */
export function allocateBytes(size: number): Uint8Array {
  const buffer = (globalThis as { Buffer?: BufferStatic }).Buffer;
  return typeof buffer?.allocUnsafe === 'function' ? buffer.allocUnsafe(size) : new Uint8Array(size);
}

/**
 * The body length a server declared, when the bytes on the wire are the body (no content-encoding
 * left for the transport to undo). Undefined otherwise, or when the header is not a plain number.
 */
export function declaredBodyLength(headers: Record<string, string>): number | undefined {
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return undefined;
  const raw = headers['content-length'];
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return undefined;
  const length = Number(raw);
  return Number.isSafeInteger(length) ? length : undefined;
}

/** Bodies a core transport allocated itself: nobody else holds them, so they may be decoded in place. */
const ownBodies = new WeakSet<Uint8Array>();

/** Marks a body as fresh and held by no one but the response (see `isOwnBody`). */
export function markOwnBody(body: Uint8Array): Uint8Array {
  ownBodies.add(body);
  return body;
}

/**
 * True for a body the core's own transports (or body collector) allocated for this response alone.
 * A body from any other transport may be shared (a test double answering the same bytes twice), so
 * it is never written to.
 */
export function isOwnBody(body: Uint8Array): boolean {
  return ownBodies.has(body);
}

/**
 * Arrays that are the only user of their buffer without spanning all of it: an image decoded in place
 * at the start of its own body (see `handOverBody`). `releaseBytes` frees their whole buffer.
 */
const ownViews = new WeakSet<Uint8Array>();

/**
 * Moves ownership of an own body to `view`, a view from the start of the same buffer that now holds
 * what is left of the body (an image decoded in place). The body itself is no longer own (releasing
 * it does nothing); the view is, and releasing it frees the whole buffer. Returns `view`.
 */
export function handOverBody(body: Uint8Array, view: Uint8Array): Uint8Array {
  if (!ownBodies.delete(body) || view.buffer !== body.buffer || view.byteOffset !== 0) return view;
  ownBodies.add(view);
  ownViews.add(view);
  return view;
}

interface TransferableBuffer {
  transfer?(length: number): ArrayBuffer;
  readonly byteLength: number;
}

/**
 * Frees the memory of bytes the core allocated for one response or image alone (see `isOwnBody`), at
 * once rather than when the garbage collector gets round to it: the array becomes empty. Anything
 * else is left alone. Returns whether it freed something. For callers done with a large image (the
 * MCP server, after saving it) and for the client, done with a body once its images are decoded.
 */
export function releaseBytes(bytes: Uint8Array): boolean {
  if (!ownBodies.has(bytes)) return false;
  ownBodies.delete(bytes);
  const buffer = bytes.buffer as unknown as TransferableBuffer;
  // Only when the array is the whole buffer (never a slice of a shared pool), or owns all of it.
  const whole = bytes.byteOffset === 0 && (bytes.byteLength === buffer.byteLength || ownViews.has(bytes));
  if (typeof buffer.transfer !== 'function' || !whole) {
    return false;
  }
  buffer.transfer(0);
  return true;
}

/**
 * Joins body chunks into one array. With a declared length the array is allocated once and each
 * chunk copied in as it arrives: no chunk list kept until the end and no second full-size copy (a
 * photo-sized answer is several MB; ten at once add up). A wrong declared length falls back to
 * keeping chunks.
 */
export class BodyCollector {
  private target: Uint8Array | undefined;
  private chunks: Uint8Array[] | undefined;
  /** Bytes received so far. */
  total = 0;

  constructor(declared?: number) {
    if (declared !== undefined && declared > 0) this.target = allocateBytes(declared);
  }

  /** Adds a chunk; true when the collector keeps a reference to it (false: it was copied). */
  push(chunk: Uint8Array): boolean {
    const end = this.total + chunk.length;
    if (this.target && end <= this.target.length) {
      this.target.set(chunk, this.total);
      this.total = end;
      return false;
    }
    if (this.target) {
      this.chunks = [this.target.subarray(0, this.total)];
      this.target = undefined;
    }
    if (this.chunks) this.chunks.push(chunk);
    else this.chunks = [chunk];
    this.total = end;
    return true;
  }

  finish(): Uint8Array {
    const { target, chunks, total } = this;
    this.target = undefined;
    this.chunks = undefined;
    if (target) return markOwnBody(total === target.length ? target : target.subarray(0, total));
    if (!chunks || chunks.length === 0) return new Uint8Array(0);
    // A single chunk is the transport's own array: not ours to write to.
    return chunks.length === 1 ? (chunks[0] as Uint8Array) : markOwnBody(concatChunks(chunks, total));
  }
}

/** The whole body of a response, reading the stream when the transport streamed it. */
export async function readWholeBody(response: HttpResponse): Promise<Uint8Array> {
  if (response.body !== undefined) return response.body;
  if (!response.chunks) return new Uint8Array(0);
  const collector = new BodyCollector(declaredBodyLength(response.headers));
  for await (const chunk of response.chunks) collector.push(chunk);
  return collector.finish();
}
