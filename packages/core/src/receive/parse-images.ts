/**
 * Reading an Images API answer (`ImagesResponse`, OpenAI and Azure shapes) into plain data, and image
 * bytes into a `GeneratedImage`. Anything unexpected becomes an `ImageError` of kind bad_response:
 * a malformed answer never crashes the caller.
 */
import { decodeBase64, decodeBase64Bytes } from './base64.js';
import { canDecodeInPlace, handOverBody, markOwnBody } from './memory.js';
import { describeBody, readBody } from '../errors/error-body.js';
import { ImageError } from '../errors/image-error.js';
import { isRecord } from '../util/values.js';
import { readImageSize, sniffImageType } from '../image/sniff.js';
import type { GeneratedImage, SunkImage, Usage } from '../types.js';
import type { SunkHead } from './image-sink.js';

export interface RawImage {
  /** Base64 image data, when the answer carried it inline. */
  b64Json?: string;
  /** The inline image data already decoded (instead of b64Json), when read straight from the body's bytes. */
  bytes?: Uint8Array;
  /** The inline image data handed to the call's image sink as it was decoded (instead of bytes). */
  sunk?: SunkHead;
  url?: string;
  revisedPrompt?: string;
  contentFilterResults?: Record<string, unknown>;
}

export interface ParsedImagesBody {
  created?: number;
  data: RawImage[];
  usage?: Usage;
  promptFilterResults?: unknown;
  outputFormat?: string;
  size?: string;
}

const decoder = new TextDecoder('utf-8');

export function bytesToText(body: Uint8Array | string | undefined): string {
  if (body === undefined) return '';
  return typeof body === 'string' ? body : decoder.decode(body);
}

export function badResponse(
  message: string,
  details: { status?: number; requestId?: string; cause?: unknown } = {},
): ImageError {
  return new ImageError({ kind: 'bad_response', message, retryable: false, ...details });
}

/** Parses JSON text, or throws bad_response naming what arrived instead. */
export function parseJsonBody(
  body: Uint8Array | string | undefined,
  context: { status?: number; requestId?: string; what?: string } = {},
): unknown {
  const text = bytesToText(body);
  try {
    return JSON.parse(text);
  } catch (cause) {
    const what = context.what ?? 'The image service';
    return throwBad(
      `${what} answered${context.status ? ` HTTP ${context.status}` : ''} with ${describeBody(readBody(text).kind)} instead of the expected JSON; a proxy or gateway may be in the way. Try again later.`,
      { ...context, cause },
    );
  }
}

function throwBad(message: string, details: { status?: number; requestId?: string; cause?: unknown }): never {
  const { status, requestId, cause } = details;
  throw badResponse(message, { status, requestId, cause });
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** `usage` in snake_case → `Usage`. Undefined when absent or empty. */
export function parseUsage(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const details = isRecord(raw.input_tokens_details) ? raw.input_tokens_details : {};
  const usage: Usage = {};
  const set = (key: keyof Usage, value: unknown) => {
    const n = optionalNumber(value);
    if (n !== undefined) usage[key] = n;
  };
  set('inputTokens', raw.input_tokens);
  set('outputTokens', raw.output_tokens);
  set('totalTokens', raw.total_tokens);
  set('inputTextTokens', details.text_tokens);
  set('inputImageTokens', details.image_tokens);
  return Object.keys(usage).length > 0 ? usage : undefined;
}

/** Adds two usages field by field (fan-out, streams). */
export function addUsage(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  if (!a) return b ? { ...b } : undefined;
  if (!b) return a;
  const out: Usage = { ...a };
  for (const key of Object.keys(b) as (keyof Usage)[]) {
    out[key] = (out[key] ?? 0) + (b[key] ?? 0);
  }
  return out;
}

export function parseRawImage(item: unknown): RawImage | undefined {
  if (!isRecord(item)) return undefined;
  const image: RawImage = {};
  if (typeof item.b64_json === 'string' && item.b64_json.length > 0) image.b64Json = item.b64_json;
  if (typeof item.url === 'string' && item.url.length > 0) image.url = item.url;
  if (image.b64Json === undefined && image.url === undefined) return undefined;
  if (typeof item.revised_prompt === 'string') image.revisedPrompt = item.revised_prompt;
  if (isRecord(item.content_filter_results)) image.contentFilterResults = item.content_filter_results;
  return image;
}

/**
 * Reads an `ImagesResponse` JSON body. `data` must be a non-empty array of images each carrying
 * `b64_json` or `url`.
 */
export function parseImagesBody(
  body: Uint8Array | string | undefined,
  context: { status?: number; requestId?: string } = {},
): ParsedImagesBody {
  if (body instanceof Uint8Array && body.length >= FAST_PATH_MIN_BYTES) {
    const fast = parseWithoutImageStrings(body);
    if (fast) return readImagesJson(fast, context);
  }
  const json = parseJsonBody(body, context);
  return readImagesJson(json, context);
}

// ───────────── fast path: JSON.parse without the multi-megabyte base64 strings ─────────────
//
// Measured on a 1024x1024 photo PNG (4.4 MB of base64 in the JSON): JSON.parse of the whole text takes
// ~17 ms, about a third of a loopback request, while cutting the base64 strings out of the bytes and
// parsing the rest takes ~3.5 ms in all. Base64 holds no quote or backslash, so each value ends at the
// next quote; anything unusual (escapes such as \/, counts that do not match)
// falls back to the plain parse.

export const FAST_PATH_MIN_BYTES = 64 * 1024;

interface NodeBuffer extends Uint8Array {
  indexOf(value: number | Uint8Array, byteOffset?: number): number;
  latin1Slice(start: number, end: number): string;
}
interface NodeBufferStatic {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): NodeBuffer;
}

const B64_KEY = new TextEncoder().encode('"b64_json"');

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

interface ScannedBody {
  /** The parsed JSON with every b64_json value blanked (""). */
  json: unknown;
  /** The blanked items, in order, with where their value lies in the body. */
  slots: { item: Record<string, unknown>; start: number; end: number }[];
  buf: NodeBuffer;
}

/**
 * Parses the body with every b64_json value cut out (base64 holds no quote or backslash, so each value
 * ends at the next quote). Undefined for anything unusual (escapes such as \/, counts that do not
 * match): the caller uses the plain parse.
 */
function scanImagesBody(body: Uint8Array): ScannedBody | undefined {
  const BufferImpl = (globalThis as unknown as { Buffer?: NodeBufferStatic }).Buffer;
  if (!BufferImpl) return undefined;
  const buf = BufferImpl.from(body.buffer, body.byteOffset, body.byteLength);
  const spans: [number, number][] = [];
  const kept: Uint8Array[] = [];
  let keptLength = 0;
  let last = 0;
  let at = buf.indexOf(B64_KEY, 0);
  while (at !== -1) {
    if (at > 0 && buf[at - 1] === 0x5c) {
      // \"b64_json\" inside a string (a key is never preceded by a backslash): not ours.
      at = buf.indexOf(B64_KEY, at + 1);
      continue;
    }
    let i = at + B64_KEY.length;
    while (isSpace(buf[i])) i++;
    if (buf[i] !== 0x3a /* : */) return undefined;
    i++;
    while (isSpace(buf[i])) i++;
    if (buf[i] !== 0x22 /* " */) return undefined;
    const start = i + 1;
    const end = buf.indexOf(0x22, start);
    if (end === -1) return undefined;
    const value = buf.subarray(start, end) as NodeBuffer;
    if (value.indexOf(0x5c) !== -1) return undefined;
    spans.push([start, end]);
    const piece = buf.subarray(last, start);
    kept.push(piece);
    keptLength += piece.length;
    last = end;
    at = buf.indexOf(B64_KEY, end + 1);
  }
  if (spans.length === 0) return undefined;
  const tail = buf.subarray(last);
  kept.push(tail);
  keptLength += tail.length;
  const rest = new Uint8Array(keptLength);
  let offset = 0;
  for (const piece of kept) {
    rest.set(piece, offset);
    offset += piece.length;
  }
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(rest));
  } catch {
    return undefined;
  }
  const data = isRecord(json) && Array.isArray(json.data) ? json.data : undefined;
  if (!data) return undefined;
  const items = data.filter((item): item is Record<string, unknown> => isRecord(item) && item.b64_json === '');
  if (items.length !== spans.length) return undefined;
  const slots = items.map((item, k) => {
    const [start, end] = spans[k] as [number, number];
    return { item, start, end };
  });
  return { json, slots, buf };
}

/** The parsed body with every b64_json value put back from the bytes, or undefined to use the plain path. */
export function parseWithoutImageStrings(body: Uint8Array): unknown {
  const scanned = scanImagesBody(body);
  if (!scanned) return undefined;
  for (const { item, start, end } of scanned.slots) item.b64_json = scanned.buf.latin1Slice(start, end);
  return scanned.json;
}

/**
 * Like `parseImagesBody`, but inline images come back decoded (`bytes`, no `b64Json`), straight from
 * the body's bytes: no multi-megabyte base64 string is ever built. This is the client's path: per
 * photo-sized image it saves a string as large as the body and the time to make it.
 */
export function parseImagesBodyDecoded(
  body: Uint8Array | string | undefined,
  context: { status?: number; requestId?: string } = {},
): ParsedImagesBody {
  const scanned = body instanceof Uint8Array && body.length >= FAST_PATH_MIN_BYTES ? scanImagesBody(body) : undefined;
  // An empty value is no inline image at all: the plain path says so in its own words.
  if (!scanned || scanned.slots.some((slot) => slot.end === slot.start)) return parseImagesBody(body, context);
  // A stand-in so the shared reader sees an inline image; replaced by the decoded bytes below.
  for (const slot of scanned.slots) slot.item.b64_json = 'AAAA';
  const parsed = readImagesJson(scanned.json, context);
  const data = (scanned.json as { data: unknown[] }).data;
  // One image in a body nobody else holds (the core's transports' own): decode it over the body
  // itself, so the body and the image are never in memory side by side (33 + 25 MB for a 4K PNG).
  const inPlace = scanned.slots.length === 1 && body instanceof Uint8Array && canDecodeInPlace(body);
  for (const { item, start, end } of scanned.slots) {
    const image = parsed.data[data.indexOf(item)];
    if (!image) continue;
    delete image.b64Json;
    const bytes = decodeBase64Bytes(scanned.buf, start, end, inPlace);
    if (inPlace && bytes.buffer === body.buffer) {
      // The body is now the image: its holder may free it early through the image (releaseBytes).
      handOverBody(body, bytes);
    } else if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
      // A fresh array of the image alone: whoever ends up holding it may free it early (releaseBytes).
      markOwnBody(bytes);
    }
    image.bytes = bytes;
  }
  return parsed;
}

/**
 * An answer read as a stream (receive/decode-stream.ts): `kept` is the body with every b64_json value
 * elided (""), `images` the decoded values in order. Undefined when they do not fit together (the
 * caller then reads the rebuilt body the usual way); throws what `parseImagesBodyDecoded` throws.
 */
export function parseElidedImagesBody(
  kept: Uint8Array,
  images: readonly Uint8Array[],
  context: { status?: number; requestId?: string } = {},
): ParsedImagesBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(kept));
  } catch {
    return undefined;
  }
  const data = isRecord(json) && Array.isArray(json.data) ? json.data : undefined;
  if (!data) return undefined;
  const items = data.filter((item): item is Record<string, unknown> => isRecord(item) && item.b64_json === '');
  if (items.length !== images.length) return undefined;
  // A stand-in so the shared reader sees an inline image; replaced by the decoded bytes below.
  for (const item of items) item.b64_json = 'AAAA';
  const parsed = readImagesJson(json, context);
  items.forEach((item, k) => {
    const image = parsed.data[data.indexOf(item)];
    if (!image) return;
    delete image.b64Json;
    image.bytes = images[k] as Uint8Array;
  });
  return parsed;
}

export function readImagesJson(json: unknown, context: { status?: number; requestId?: string } = {}): ParsedImagesBody {
  if (!isRecord(json)) throwBad('The image service answered with JSON that is not an object.', context);
  const data = json.data;
  if (!Array.isArray(data) || data.length === 0) {
    throwBad('The image service answered without any image (no "data" in the response).', context);
  }
  const images: RawImage[] = [];
  for (let i = 0; i < data.length; i++) {
    const image = parseRawImage(data[i]);
    if (!image) throwBad(`Image ${i + 1} in the response has neither b64_json nor url.`, context);
    images.push(image);
  }
  const parsed: ParsedImagesBody = { data: images };
  const created = optionalNumber(json.created);
  if (created !== undefined) parsed.created = created;
  const usage = parseUsage(json.usage);
  if (usage) parsed.usage = usage;
  if (json.prompt_filter_results !== undefined) parsed.promptFilterResults = json.prompt_filter_results;
  if (typeof json.output_format === 'string') parsed.outputFormat = json.output_format;
  if (typeof json.size === 'string') parsed.size = json.size;
  return parsed;
}

/** Decodes base64 image data; throws bad_response when it is not base64 at all. */
export function decodeImageData(b64: string | Uint8Array, context: { requestId?: string } = {}): Uint8Array {
  const bytes = typeof b64 === 'string' ? decodeBase64(b64) : b64;
  if (bytes.length === 0) throwBad('The image service sent image data that is not valid base64.', context);
  return bytes;
}

function sizeFromString(size: string | undefined): { width: number; height: number } | undefined {
  const m = size ? /^(\d+)x(\d+)$/.exec(size) : null;
  return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
}

/**
 * Turns image bytes into a `GeneratedImage`: the type is sniffed from the bytes (PNG, JPEG, WebP),
 * width and height come from the image header (falling back to the size that was asked for).
 */
/**
 * An image's bytes, or (`sunk`) the first bytes of an image handed to the call's image sink, with its
 * type and size read from them.
 */
export function toGeneratedImage(
  bytes: Uint8Array,
  index: number,
  extras: {
    revisedPrompt?: string;
    contentFilterResults?: Record<string, unknown>;
    size?: string;
    requestId?: string;
  } = {},
  sunk?: SunkImage,
): GeneratedImage {
  const type = sniffImageType(bytes);
  if (!type) {
    throwBad(
      `Image ${index + 1} is not a PNG, JPEG or WebP image (${sunk?.byteLength ?? bytes.length} bytes of unknown data).`,
      { requestId: extras.requestId },
    );
  }
  const dimensions = readImageSize(bytes) ?? sizeFromString(extras.size) ?? { width: 0, height: 0 };
  const image: GeneratedImage = {
    index,
    bytes: sunk ? new Uint8Array(0) : bytes,
    mimeType: type.mimeType,
    extension: type.extension,
    width: dimensions.width,
    height: dimensions.height,
  };
  if (extras.revisedPrompt !== undefined) image.revisedPrompt = extras.revisedPrompt;
  if (extras.contentFilterResults !== undefined) image.contentFilterResults = extras.contentFilterResults;
  if (sunk) image.sunk = { writer: sunk.writer, byteLength: sunk.byteLength };
  return image;
}
