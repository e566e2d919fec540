/**
 * The OpenAI Images wire format shared by every provider (OpenAI, Azure, the sandbox): camelCase
 * request → snake_case JSON body or multipart parts, plus the HTTP request shapes. Pure.
 */
import { sniffImageType } from '../image/sniff.js';
import { isGptImageFamily, resolveFamily } from '../models/index.js';
import { encodeMultipart, type MultipartPart } from './multipart.js';
import type { EditRequest, HttpRequest, ImageRequest, InputImage, ModelFamily } from '../types.js';

/** A provider's request before the client adds the per-attempt timeout, signal and size cap. */
export type WireRequest = Omit<HttpRequest, 'timeoutMs' | 'signal' | 'maxResponseBytes'>;

export interface BuildContext {
  /** The family the request was validated against (undefined: unknown model, no family rules). */
  family?: ModelFamily;
  /** Multipart boundary for edits; random when absent (tests pass a fixed one). */
  boundary?: string;
}

export interface WireOptions {
  /** Model id sent as `model`; omitted when undefined (Azure deployment URLs). */
  model?: string;
  family?: ModelFamily;
}

/** Strips trailing slashes so `${base}/images/...` never doubles them. */
export function trimBase(url: string): string {
  return url.replace(/\/+$/, '');
}

/** True for the GPT image models (by their family row), which never accept `response_format`. */
function isGptImage(options: WireOptions): boolean {
  return isGptImageFamily(options.family ?? resolveFamily(options.model));
}

function isDallE(family: ModelFamily | undefined): boolean {
  return family?.id === 'dall-e-2' || family?.id === 'dall-e-3';
}

/**
 * `response_format` to send: never for GPT image models; for DALL-E ask for b64_json unless the
 * caller chose (it saves a download and cannot expire); unknown models get what the caller asked.
 */
function responseFormatFor(request: ImageRequest, options: WireOptions): string | undefined {
  if (isGptImage(options)) return undefined;
  if (request.responseFormat !== undefined) return request.responseFormat;
  return isDallE(options.family) ? 'b64_json' : undefined;
}

/** The fields of a request in wire order and names, without undefined values. */
export function wireFields(request: ImageRequest, options: WireOptions): [string, string | number | boolean][] {
  const fields: [string, string | number | boolean | undefined][] = [
    ['prompt', request.prompt],
    ['model', options.model],
    ['n', request.n],
    ['size', request.size],
    ['quality', request.quality],
    ['style', request.style],
    ['response_format', responseFormatFor(request, options)],
    ['background', request.background],
    ['moderation', request.moderation],
    ['output_format', request.outputFormat],
    ['output_compression', request.outputCompression],
    ['user', request.user],
  ];
  if (request.stream) {
    fields.push(['stream', true], ['partial_images', request.partialImages]);
  }
  return fields.filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined);
}

/** JSON body for POST /images/generations. */
export function generateBody(request: ImageRequest, options: WireOptions): Record<string, unknown> {
  return Object.fromEntries(wireFields(request, options));
}

function fileFor(image: InputImage, fallbackName: string): { filename: string; contentType: string } {
  const sniffed = sniffImageType(image.bytes);
  const contentType = image.mimeType ?? sniffed?.mimeType ?? 'application/octet-stream';
  const extension = sniffed?.extension ?? (contentType.split('/')[1] || 'bin');
  return { filename: image.filename ?? `${fallbackName}.${extension}`, contentType };
}

/** Multipart parts for POST /images/edits: image file(s), mask, then the fields. */
export function editParts(request: EditRequest, options: WireOptions): MultipartPart[] {
  const gpt = isGptImage(options);
  const imageField = gpt || (!isDallE(options.family) && request.images.length > 1) ? 'image[]' : 'image';
  const parts: MultipartPart[] = [];
  request.images.forEach((image, i) => {
    parts.push({ name: imageField, data: image.bytes, ...fileFor(image, `image-${i + 1}`) });
  });
  if (request.mask) parts.push({ name: 'mask', data: request.mask.bytes, ...fileFor(request.mask, 'mask') });
  for (const [name, value] of wireFields(request, options)) parts.push({ name, value: String(value) });
  if (request.inputFidelity !== undefined) parts.push({ name: 'input_fidelity', value: request.inputFidelity });
  return parts;
}

export function jsonPost(url: string, headers: Record<string, string>, body: unknown, stream?: boolean): WireRequest {
  const request: WireRequest = {
    method: 'POST',
    url,
    headers: {
      ...headers,
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
    },
    body: JSON.stringify(body),
  };
  if (stream) request.stream = true;
  return request;
}

export function multipartPost(
  url: string,
  headers: Record<string, string>,
  parts: MultipartPart[],
  boundary: string | undefined,
  stream?: boolean,
): WireRequest {
  const encoded = encodeMultipart(parts, boundary);
  const request: WireRequest = {
    method: 'POST',
    url,
    headers: {
      ...headers,
      'content-type': encoded.contentType,
      accept: stream ? 'text/event-stream' : 'application/json',
    },
    body: encoded.body,
  };
  if (stream) request.stream = true;
  return request;
}

export function jsonGet(url: string, headers: Record<string, string>): WireRequest {
  return { method: 'GET', url, headers: { ...headers, accept: 'application/json' } };
}
