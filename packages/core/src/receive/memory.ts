/**
 * Memory tuning, all in one place. The simple path is: a transport returns a body, the client
 * parses it, images are copied out, the garbage collector frees the rest. With photo-sized answers
 * (4.4 MB of JSON per 1024x1024 PNG, 33 MB for 4K) and ten calls at once, that path holds the body
 * and the decoded image side by side and leaves megabytes to the collector's timing. Five measures
 * cut the peak, each safe only for bytes nobody else holds:
 *
 * 1. Ownership: bodies the core's own transports (or BodyCollector) allocated are marked "own"
 *    (`markOwnBody`). A body from any other transport may be shared (a test double answering the same
 *    bytes twice) and is never written to.
 * 2. In-place decoding: a lone base64 image in an own body is decoded over the body itself
 *    (`canDecodeInPlace`, then `handOverBody`): body and image are never in memory side by side.
 * 3. Early release: `releaseBytes` empties an own array's buffer at once (ArrayBuffer.transfer(0)),
 *    for the client once a body's images are decoded, and for callers done with a saved image.
 * 4. Streamed decoding (decode-stream.ts, the client's path when the transport streams the body):
 *    base64 is decoded from each chunk as it arrives; the body is never held, only the images.
 * 5. Hand-over to an image sink (image-sink.ts, when the caller passes `CallOptions.imageSink`): the
 *    decoded bytes leave after every chunk, for the caller's writer (the MCP server's temp file), and
 *    the next chunk is read only once they are written: neither body nor image is ever held, per image
 *    memory is one chunk. Callers that need the bytes in memory (the n8n node) pass no sink.
 *
 * What is left is garbage of the moment: each socket read is a fresh buffer and each decoded step a
 * short string, freed when V8 next collects its young generation. The MCP server's bin keeps that
 * generation small (its shebang's --max-semi-space-size=2) so collections come often; nothing forces
 * them (packages/mcp-server/README.md, Memory).
 */

interface BufferStatic {
  allocUnsafe(size: number): Uint8Array;
}

/** An uninitialised byte array (Node's Buffer.allocUnsafe when present: no zero-fill of megabytes). */
export function allocateBytes(size: number): Uint8Array {
  const buffer = (globalThis as { Buffer?: BufferStatic }).Buffer;
  return typeof buffer?.allocUnsafe === 'function' ? buffer.allocUnsafe(size) : new Uint8Array(size);
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
 * True when a body holding one base64 image may be decoded in place: an own body spanning its whole
 * buffer (never a slice of a shared pool).
 */
export function canDecodeInPlace(body: Uint8Array): boolean {
  return isOwnBody(body) && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
}
