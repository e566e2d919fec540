/**
 * An images answer decoded as its body arrives: every `b64_json` value is decoded from the chunks
 * into the image's own array while the rest of the JSON (created, usage, revised_prompt…) is kept as
 * a small document with the values elided. The whole body is never held: per image, memory is the
 * image itself plus one chunk.
 *
 * A small state machine over the bytes: outside strings / inside a string / after an escape / after
 * a `"b64_json"` key / inside its value. Base64 is decoded in 4-character groups; the last group of a
 * value waits for the closing quote (it may carry padding).
 *
 * Anything unusual (escapes or stray characters in a value, a body too small to bother, malformed or
 * truncated JSON, counts that do not match) rebuilds the body from what was read and hands it to
 * `parseImagesBodyDecoded`: same result, same errors as reading the whole body.
 *
 * With an image sink (hand-over mode, `readImagesAnswer(…, sink)`) the decoded bytes are not kept at
 * all: after each chunk they go to the image's writer (image-sink.ts), so per image memory is one
 * chunk. Answers under FAST_PATH_MIN_BYTES are still read whole (their images then go to the sink in
 * one piece). The one thing hand-over cannot do is rebuild a body whose image bytes already left: an
 * answer that turns unusual after that fails with bad_response and its writers are aborted (real
 * services send plain base64 in well-formed JSON; the whole-body path reads the oddities).
 */
import type { HttpResponse, ImageSink } from '../types.js';
import { BASE64_STEP as STEP, type NodeBufferStatic, type NodeBytes, nodeBuffer } from './base64.js';
import { BodyCollector, declaredBodyLength, readWholeBody } from './body.js';
import { type SunkHead, SinkWriters } from './image-sink.js';
import { allocateBytes, handOverBody, markOwnBody, releaseBytes } from './memory.js';
import {
  badResponse,
  FAST_PATH_MIN_BYTES,
  type ParsedImagesBody,
  parseElidedImagesBody,
  parseImagesBodyDecoded,
} from './parse-images.js';

/** Slack left in an image's array before it is copied to its exact size. */
const MAX_SLACK = 64 * 1024;
/** An image's first array in hand-over mode (grown to what one chunk decodes to). */
const HAND_OVER_CAPACITY = 64 * 1024;

const KEY = [0x62, 0x36, 0x34, 0x5f, 0x6a, 0x73, 0x6f, 0x6e]; // b64_json
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

const OUT = 0;
const STR = 1;
const ESC = 2;
const AFTER_KEY = 3;
const AFTER_COLON = 4;
const VALUE = 5;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

interface Slot {
  /** Where the value belongs in the kept document (bytes kept before it). */
  at: number;
  out: NodeBytes;
  written: number;
  /** Characters of the value read so far. */
  chars: number;
  /** Characters not decoded yet (0–4): the last group waits for the closing quote. */
  pending: string;
  bytes?: Uint8Array;
  /** Hand-over mode: bytes already taken (`take`), no longer held here. */
  handed: number;
}

/** Bytes of the k-th image of the answer, decoded since the last `take`. */
export interface DecodedPiece {
  image: number;
  bytes: Uint8Array;
}

/**
 * Reads a successful JSON images answer: decoded as it arrives when the transport streams the body,
 * else from the whole body (freed once its images are decoded into arrays of their own). With a
 * `sink`, streamed images go to it as they are decoded (their RawImage has `sunk`, no bytes); on any
 * failure every writer opened is aborted.
 */
export async function readImagesAnswer(
  response: HttpResponse,
  context: { status?: number; requestId?: string } = {},
  sink?: ImageSink,
): Promise<ParsedImagesBody> {
  const decoder =
    response.body === undefined && response.chunks
      ? ImagesBodyDecoder.create(declaredBodyLength(response.headers), sink !== undefined)
      : undefined;
  if (decoder && response.chunks && sink) return handOver(decoder, response.chunks, sink, context);
  if (decoder && response.chunks) {
    for await (const chunk of response.chunks) decoder.push(chunk);
    return decoder.finish(context);
  }
  const body = await readWholeBody(response);
  const parsed = parseImagesBodyDecoded(body, context);
  releaseBytes(body);
  return parsed;
}

/** Decodes the chunks, writing each image's bytes to its writer after every chunk (backpressure: one chunk at a time). */
async function handOver(
  decoder: ImagesBodyDecoder,
  chunks: AsyncIterable<Uint8Array>,
  sink: ImageSink,
  context: { status?: number; requestId?: string },
): Promise<ParsedImagesBody> {
  const writers = new SinkWriters(sink);
  try {
    for await (const chunk of chunks) {
      decoder.push(chunk);
      for (const piece of decoder.take()) await writers.write(piece.image, piece.bytes);
    }
    const parsed = decoder.finish(context, (k) => writers.sunk(k));
    await writers.closeAll();
    return parsed;
  } catch (error) {
    await writers.abortAll();
    throw error;
  }
}

export class ImagesBodyDecoder {
  private readonly B: NodeBufferStatic;
  private state = OUT;
  private strLen = 0;
  private strMatch = false;
  private kept: Uint8Array[] = [];
  private keptLength = 0;
  private slots: Slot[] = [];
  private slot: Slot | undefined;
  /** Set once the stream path gave up: the raw body, rebuilt, collected from then on. */
  private raw: BodyCollector | undefined;
  /** Bytes received so far. */
  total = 0;

  /**
   * Undefined when the runtime has no Node Buffer: read the whole body instead. `handOver`: decoded
   * bytes are taken out as they come (`take`) instead of being held until `finish`.
   */
  static create(declared?: number, handOver = false): ImagesBodyDecoder | undefined {
    const B = nodeBuffer();
    return B ? new ImagesBodyDecoder(B, declared, handOver) : undefined;
  }

  private constructor(
    B: NodeBufferStatic,
    private readonly declared: number | undefined,
    private readonly handOver: boolean,
  ) {
    this.B = B;
  }

  push(chunk: Uint8Array): void {
    const start = this.total;
    this.total += chunk.length;
    if (this.raw) {
      this.raw.push(chunk);
      return;
    }
    const buf = this.B.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let keepFrom = 0;
    let i = 0;
    const n = buf.length;
    while (i < n) {
      if (this.state === VALUE) {
        const slot = this.slot as Slot;
        const q = buf.indexOf(QUOTE, i);
        const end = q === -1 ? n : q;
        const { written, pending } = slot;
        if (!this.decode(slot, buf, i, end)) {
          slot.written = written;
          slot.pending = pending;
          this.giveUp(buf, i);
          return;
        }
        if (q === -1) return;
        if (!this.close(slot)) {
          this.giveUp(buf, q);
          return;
        }
        keepFrom = q;
        i = q + 1;
        this.state = OUT;
        continue;
      }
      const byte = buf[i] as number;
      switch (this.state) {
        case OUT:
          if (byte === QUOTE) {
            this.state = STR;
            this.strLen = 0;
            this.strMatch = true;
          }
          break;
        case STR:
          if (byte === QUOTE) {
            this.state = this.strMatch && this.strLen === KEY.length ? AFTER_KEY : OUT;
          } else if (byte === BACKSLASH) {
            this.state = ESC;
            this.strMatch = false;
          } else {
            if (this.strMatch && KEY[this.strLen] !== byte) this.strMatch = false;
            this.strLen++;
          }
          break;
        case ESC:
          this.state = STR;
          this.strLen++;
          break;
        case AFTER_KEY:
          if (byte === COLON) this.state = AFTER_COLON;
          else if (!isSpace(byte)) {
            this.state = OUT;
            continue;
          }
          break;
        case AFTER_COLON:
          if (byte === QUOTE) {
            this.keep(buf, keepFrom, i + 1);
            this.slot = this.openSlot(start + i + 1);
            this.state = VALUE;
            i++;
            continue;
          }
          if (!isSpace(byte)) {
            this.state = OUT;
            continue;
          }
          break;
      }
      i++;
    }
    if (this.state !== VALUE) this.keep(buf, keepFrom, n);
  }

  /**
   * Hand-over mode: the bytes decoded since the last call, which the decoder no longer holds. Nothing
   * while the body is under FAST_PATH_MIN_BYTES (a small answer may still have to be read the plain
   * way, which needs its bytes), or once the stream path gave up.
   */
  take(): DecodedPiece[] {
    if (!this.handOver || this.raw || this.total < FAST_PATH_MIN_BYTES) return [];
    const pieces: DecodedPiece[] = [];
    for (const [image, slot] of this.slots.entries()) {
      const bytes = slot.bytes ?? slot.out.subarray(0, slot.written);
      if (bytes.length === 0) continue;
      pieces.push({ image, bytes });
      slot.handed += bytes.length;
      if (slot.bytes) slot.bytes = bytes.subarray(bytes.length);
      else {
        slot.out = this.alloc(0);
        slot.written = 0;
      }
    }
    return pieces;
  }

  /**
   * The parsed answer; throws bad_response exactly as `parseImagesBodyDecoded` would for the whole body.
   * Hand-over mode: the images taken out are `sunk(k)` in the answer (k: their order in the body).
   */
  finish(context: { status?: number; requestId?: string } = {}, sunk?: (k: number) => SunkHead): ParsedImagesBody {
    // An empty value is no inline image at all: the plain path says so in its own words.
    const usable = this.slots.length > 0 && this.slots.every((slot) => slot.bytes && slot.chars > 0);
    if (!this.raw && this.state === OUT && this.total >= FAST_PATH_MIN_BYTES && usable) {
      const images = this.slots.map((slot) => slot.bytes as Uint8Array);
      const parsed = parseElidedImagesBody(this.keptBytes(), images, context);
      if (parsed && this.handedAny()) {
        for (const raw of parsed.data) {
          const k = raw.bytes ? images.indexOf(raw.bytes) : -1;
          if (k === -1 || (this.slots[k] as Slot).handed === 0) continue;
          if (!sunk || raw.bytes?.length) throw new Error('hand-over: take() every piece before finish()');
          raw.bytes = undefined;
          raw.sunk = sunk(k);
        }
      }
      if (parsed) return parsed;
    }
    if (this.handedAny()) throw this.cannotRebuild(context);
    const body = this.raw ? this.raw.finish() : this.rebuild();
    this.raw = undefined;
    this.releaseSlots();
    const parsed = parseImagesBodyDecoded(body, context);
    releaseBytes(body);
    return parsed;
  }

  private keep(buf: Uint8Array, from: number, to: number): void {
    if (to <= from) return;
    const piece = buf.slice(from, to);
    this.kept.push(piece);
    this.keptLength += piece.length;
  }

  private keptBytes(): Uint8Array {
    const out = new Uint8Array(this.keptLength);
    let offset = 0;
    for (const piece of this.kept) {
      out.set(piece, offset);
      offset += piece.length;
    }
    return out;
  }

  private openSlot(bodyOffset: number): Slot {
    // With a declared length the image is at most 3/4 of what is left of the body: one allocation.
    const left = this.declared !== undefined ? this.declared - bodyOffset : -1;
    const capacity = this.handOver ? HAND_OVER_CAPACITY : left > 0 ? Math.floor((left * 3) / 4) + 3 : 256 * 1024;
    const slot: Slot = { at: this.keptLength, out: this.alloc(capacity), written: 0, chars: 0, pending: '', handed: 0 };
    this.slots.push(slot);
    return slot;
  }

  /**
   * A fresh array on a buffer of its own (never Node's shared pool, which may not be freed early).
   * Zero-filled lazily by the system: capacity not written to yet costs no resident memory.
   */
  private alloc(size: number): NodeBytes {
    return this.B.from(new ArrayBuffer(size), 0, size);
  }

  private slice(buf: NodeBytes, s: number, e: number): string {
    return buf.latin1Slice ? buf.latin1Slice(s, e) : buf.toString('latin1', s, e);
  }

  /** Decodes whole 4-character groups of `text`; false when it is not plain base64. */
  private write(slot: Slot, text: string): boolean {
    const expected = (text.length / 4) * 3;
    const need = slot.written + expected;
    if (need > slot.out.length) {
      const grown = this.alloc(Math.max(need, slot.out.length * 2));
      grown.set(slot.out.subarray(0, slot.written));
      slot.out = grown;
    }
    const got = slot.out.write(text, slot.written, 'base64');
    if (got !== expected) return false;
    slot.written += got;
    return true;
  }

  /** Decodes the characters buf[s, e) of the current value, holding back its last group. */
  private decode(slot: Slot, buf: NodeBytes, s: number, e: number): boolean {
    if (s === e) return true;
    slot.chars += e - s;
    if (slot.pending.length > 0) {
      const take = Math.min(4 - slot.pending.length, e - s);
      if (take > 0) {
        slot.pending += this.slice(buf, s, s + take);
        s += take;
      }
      if (s === e) return true;
      if (!this.write(slot, slot.pending)) return false;
      slot.pending = '';
    }
    const usable = s + Math.floor((e - s - 1) / 4) * 4;
    for (let p = s; p < usable; p += STEP) {
      if (!this.write(slot, this.slice(buf, p, Math.min(p + STEP, usable)))) return false;
    }
    slot.pending = this.slice(buf, usable, e);
    return true;
  }

  /** The closing quote: decodes the last group (padding as `decodeBase64Bytes` reads it). */
  private close(slot: Slot): boolean {
    let last = slot.pending;
    let stop = last.length;
    while (stop > 0 && stop > last.length - 2 && last.charCodeAt(stop - 1) === 0x3d) stop--;
    last = last.slice(0, stop);
    const rest = last.length % 4;
    if (rest === 1) return false;
    if (rest === 0) {
      if (last.length > 0 && !this.write(slot, last)) return false;
    } else {
      const expected = rest - 1;
      if (slot.written + expected > slot.out.length) {
        const grown = this.alloc(slot.written + expected);
        grown.set(slot.out.subarray(0, slot.written));
        slot.out = grown;
      }
      const got = slot.out.write(last, slot.written, 'base64');
      if (got !== expected) return false;
      slot.written += got;
    }
    slot.pending = '';
    const size = slot.written;
    let bytes: Uint8Array;
    if (this.handOver) {
      // Taken out next (`take`): neither owned nor kept.
      bytes = slot.out.subarray(0, size);
    } else if (slot.out.length - size > MAX_SLACK) {
      const exact = this.alloc(size);
      exact.set(slot.out.subarray(0, size));
      bytes = markOwnBody(exact);
    } else {
      markOwnBody(slot.out);
      bytes = handOverBody(slot.out, slot.out.subarray(0, size));
    }
    slot.bytes = bytes;
    slot.out = this.alloc(0);
    this.slot = undefined;
    return true;
  }

  /** The value's characters as they arrived (plain base64 by then: decoded groups re-encode exactly). */
  private valueText(slot: Slot): string {
    const done = slot.bytes ?? slot.out.subarray(0, slot.written);
    const encoded = (this.B.from(done.buffer, done.byteOffset, done.byteLength) as NodeBytes).toString('base64');
    return slot.bytes ? encoded : encoded + slot.pending;
  }

  /** The body as it arrived, up to the current value's characters read so far. */
  private rebuild(): Uint8Array {
    const kept = this.keptBytes();
    const parts: Uint8Array[] = [];
    let from = 0;
    for (const slot of this.slots) {
      parts.push(kept.subarray(from, slot.at));
      from = slot.at;
      parts.push(this.B.from(this.valueText(slot), 'latin1'));
    }
    parts.push(kept.subarray(from));
    const length = parts.reduce((sum, part) => sum + part.length, 0);
    const body = allocateBytes(length);
    let offset = 0;
    for (const part of parts) {
      body.set(part, offset);
      offset += part.length;
    }
    return markOwnBody(body);
  }

  /** Hand-over mode: whether image bytes were taken out (the body can no longer be rebuilt). */
  private handedAny(): boolean {
    return this.slots.some((slot) => slot.handed > 0);
  }

  private cannotRebuild(context: { status?: number; requestId?: string } = {}): Error {
    this.releaseSlots();
    return badResponse(
      'The image service sent an answer the streaming reader could not follow (b64_json that is not plain base64, or JSON out of the ordinary) after part of an image had been written out; the partial image was dropped.',
      context,
    );
  }

  /** Leaves the stream path: the body so far is rebuilt and the rest collected raw from buf[at]. */
  private giveUp(buf: Uint8Array, at: number): void {
    if (this.handedAny()) throw this.cannotRebuild();
    const prefix = this.rebuild();
    this.releaseSlots();
    this.raw = new BodyCollector(this.declared);
    if (!this.raw.push(prefix)) releaseBytes(prefix);
    this.raw.push(buf.subarray(at));
  }

  private releaseSlots(): void {
    for (const slot of this.slots) if (slot.bytes) releaseBytes(slot.bytes);
    this.slots = [];
    this.slot = undefined;
    this.kept = [];
    this.keptLength = 0;
  }
}
