/** Response bodies as whole byte arrays: joining chunks, the declared length, reading a streamed body. */
import type { HttpResponse } from '../types.js';
import { allocateBytes, markOwnBody } from './memory.js';

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
