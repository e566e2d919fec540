/**
 * Base64 ⇄ bytes without a dependency. Uses Node's Buffer when present (fast, native), else atob/btoa
 * (browsers, sandboxes without Buffer).
 */

/** What the core uses of Node's Buffer (typed here: the core does not depend on @types/node at run time). */
export interface NodeBytes extends Uint8Array {
  latin1Slice?(start: number, end: number): string;
  toString(encoding?: string, start?: number, end?: number): string;
  write(text: string, offset: number, encoding: 'base64'): number;
}
export interface NodeBufferStatic {
  from(input: string, encoding: 'base64' | 'latin1'): NodeBytes;
  from(input: Uint8Array): NodeBytes;
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): NodeBytes;
  allocUnsafe(size: number): NodeBytes;
}

/** Node's Buffer when present (fast, native decoding), else undefined (browsers, sandboxes without it). */
export function nodeBuffer(): NodeBufferStatic | undefined {
  const candidate = (globalThis as unknown as { Buffer?: NodeBufferStatic }).Buffer;
  return typeof candidate?.from === 'function' ? candidate : undefined;
}

/** Base64 characters decoded per step: a multiple of 4, small enough for short-lived young-generation strings. */
export const BASE64_STEP = 48 * 1024;

/** Decodes standard or URL-safe base64, ignoring whitespace. Never throws on odd input: it decodes what it can. */
export function decodeBase64(text: string): Uint8Array {
  const buffer = nodeBuffer();
  if (buffer) return buffer.from(text, 'base64');
  const clean = text
    .replace(/[\s=]+/g, '')
    .replace(/-/g, '+')
    .replace(/_/g, '/');
  const padded = clean.length % 4 === 0 ? clean : clean + '='.repeat(4 - (clean.length % 4));
  const binary = atob(padded);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function encodeBase64(bytes: Uint8Array): string {
  const buffer = nodeBuffer();
  if (buffer) return buffer.from(bytes).toString('base64');
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

/**
 * Decodes base64 held as bytes (ASCII, e.g. a slice of a JSON body) into a new array of exactly the
 * decoded size, without ever building one string of the whole value: Node decodes it natively in
 * small steps straight into the output. Same result as `decodeBase64` of the same text.
 *
 * `inPlace`: decode into `bytes` itself, from its start (the caller owns `bytes` and is done with
 * everything in it but the base64): the result is then a view on `bytes`, and no second array as
 * large as the image is ever allocated. Safe because the output (3 bytes per 4 characters) never
 * catches up with the characters still to be read. Without Node's Buffer, or for input that is not
 * plain base64, the result is a new array as usual.
 */
export function decodeBase64Bytes(bytes: Uint8Array, start = 0, end = bytes.length, inPlace = false): Uint8Array {
  const BufferImpl = nodeBuffer();
  if (!BufferImpl) {
    let text = '';
    for (let s = start; s < end; s += 8192) text += String.fromCharCode(...bytes.subarray(s, Math.min(s + 8192, end)));
    return decodeBase64(text);
  }
  const buf = BufferImpl.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const slice = (s: number, e: number): string =>
    buf.latin1Slice ? buf.latin1Slice(s, e) : buf.toString('latin1', s, e);
  let stop = end;
  while (stop > start && stop > end - 2 && buf[stop - 1] === 0x3d /* = */) stop--;
  const chars = stop - start;
  const rest = chars % 4;
  // 4n+1 characters is never valid base64: decode it the lenient way below.
  if (rest === 1) return decodeBase64(slice(start, end));
  const size = Math.floor(chars / 4) * 3 + (rest === 0 ? 0 : rest - 1);
  const out = inPlace ? buf : BufferImpl.allocUnsafe(size);
  let written = 0;
  for (let s = start; s < stop; s += BASE64_STEP) {
    const e = Math.min(s + BASE64_STEP, stop);
    const text = slice(s, e);
    const expected = e === stop ? size - written : ((e - s) / 4) * 3;
    const got = out.write(text, written, 'base64');
    if (got !== expected) {
      // Not plain base64 (whitespace, stray characters). Everything before this step decoded
      // exactly, so its text is the re-encoded output; decode the whole the lenient way.
      const before = written === 0 ? '' : out.toString('base64', 0, written);
      return decodeBase64(before + text + slice(e, end));
    }
    written += got;
  }
  return inPlace ? out.subarray(0, size) : out;
}
