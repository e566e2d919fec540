/**
 * The sandbox: an in-process server that answers the OpenAI Images wire format (generations, edits,
 * models, and the files behind URL responses) with real images rendered offline. Validation is the
 * core's own (models.ts, validate.ts); errors come back in the API's JSON shape. No network, no
 * timers, no Node-only APIs: it runs wherever the core runs, n8n's sandbox included.
 */
import { encodeBase64 } from '../receive/base64.js';
import { concatChunks } from '../receive/body.js';
import { cancelledTransportError, RESPONSE_TOO_LARGE, TransportError } from '../errors/image-error.js';
import { readImageSize } from '../image/sniff.js';
import { isGptImageFamily, resolveFamily } from '../models/index.js';
import type { HttpRequest, HttpResponse, InputImage, ModelFamily, OutputFormat, Transport } from '../types.js';
import { validateEdit, validateGenerate } from '../request/validate.js';
import { FileStore } from './file-store.js';
import { hashBytes, hashString } from './hash.js';
import { multipartBoundary, type ParsedPart, parseMultipart, partText } from './multipart-parse.js';
import { renderSandboxImage } from './render.js';
import {
  type ApiErrorBody,
  apiError,
  EDIT_PARAMS,
  GENERATE_PARAMS,
  imageTokens,
  revisePrompt,
  type UsageBody,
  usageFor,
  validationError,
} from './api-shapes.js';

/** Where the sandbox lives. `.invalid` is reserved (RFC 2606): nothing real can ever answer there. */
export const SANDBOX_BASE_URL = 'https://sandbox.brushwork.invalid/v1';

/** Image models the sandbox lists, plus two non-image models as the real endpoint would show. */
const SANDBOX_MODELS: ReadonlyArray<{ id: string; created: number; owned_by: string }> = [
  { id: 'dall-e-2', created: 1698798177, owned_by: 'system' },
  { id: 'dall-e-3', created: 1698785189, owned_by: 'system' },
  { id: 'gpt-image-1', created: 1745517030, owned_by: 'system' },
  { id: 'gpt-image-1-mini', created: 1758845821, owned_by: 'system' },
  { id: 'gpt-image-1.5', created: 1765484575, owned_by: 'system' },
  { id: 'gpt-image-2', created: 1776729600, owned_by: 'system' },
  { id: 'gpt-image-2-2026-04-21', created: 1776729600, owned_by: 'system' },
  { id: 'gpt-4.1-mini', created: 1744318173, owned_by: 'system' },
  { id: 'text-embedding-3-small', created: 1705948997, owned_by: 'system' },
];

export interface SandboxTransportOptions {
  /** Default SANDBOX_BASE_URL. */
  baseUrl?: string;
  /** Clock in ms for `created` fields. Default Date.now. */
  now?: () => number;
  /** URL results kept for download. Default 64 files / 256 MiB, oldest dropped first. */
  maxStoredFiles?: number;
  maxStoredBytes?: number;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: Uint8Array;
  chunks?: AsyncIterable<Uint8Array>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SSE_CHUNK = 64 * 1024;

function cancelled(): TransportError {
  return cancelledTransportError('ABORT_ERR');
}

export function createSandboxTransport(options: SandboxTransportOptions = {}): Transport {
  const base = (options.baseUrl ?? SANDBOX_BASE_URL).replace(/\/+$/, '');
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  const baseOrigin = new URL(base).origin;
  const now = options.now ?? Date.now;
  const files = new FileStore(options.maxStoredFiles ?? 64, options.maxStoredBytes ?? 256 * 1024 * 1024);
  let counter = 0;

  const json = (status: number, value: unknown, requestId: string): Reply => ({
    status,
    headers: {
      'content-type': 'application/json',
      'x-request-id': requestId,
      'openai-version': '2020-10-01',
      'x-brushwork-sandbox': 'true',
    },
    body: encoder.encode(JSON.stringify(value)),
  });
  const fail = (status: number, body: ApiErrorBody, requestId: string) => json(status, body, requestId);

  return async function sandboxTransport(request: HttpRequest): Promise<HttpResponse> {
    if (request.signal?.aborted) throw cancelled();
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new TransportError('network', 'The sandbox transport got a URL it cannot parse', 'EINVAL');
    }
    if (url.origin !== baseOrigin || !(url.pathname === basePath || url.pathname.startsWith(`${basePath}/`))) {
      throw new TransportError(
        'network',
        `The sandbox transport only answers ${base}, not ${url.origin}${url.pathname}`,
        'ENOTFOUND',
      );
    }
    counter = (counter + 1) >>> 0;
    const bodyBytes =
      request.body === undefined
        ? new Uint8Array(0)
        : typeof request.body === 'string'
          ? encoder.encode(request.body)
          : request.body;
    const requestId = `req_sandbox_${counter.toString(16).padStart(6, '0')}${hashBytes(bodyBytes, counter).toString(16).padStart(8, '0')}`;
    const route = url.pathname.slice(basePath.length) || '/';
    const context: HandlerContext = {
      request,
      body: bodyBytes,
      requestId,
      created: Math.floor(now() / 1000),
      base,
      files,
      json,
      fail,
    };

    let reply: Reply;
    if (request.method === 'GET' && route === '/models') {
      reply = json(200, { object: 'list', data: SANDBOX_MODELS.map((m) => ({ ...m, object: 'model' })) }, requestId);
    } else if (request.method === 'GET' && route.startsWith('/models/')) {
      const id = decodeURIComponent(route.slice('/models/'.length));
      const model = SANDBOX_MODELS.find((m) => m.id === id);
      reply = model ? json(200, { ...model, object: 'model' }, requestId) : fail(404, modelNotFound(id), requestId);
    } else if (request.method === 'POST' && route === '/images/generations') {
      reply = handleGenerate(context);
    } else if (request.method === 'POST' && route === '/images/edits') {
      reply = handleEdit(context);
    } else if (request.method === 'GET' && route.startsWith('/files/')) {
      const file = files.get(route.slice('/files/'.length));
      reply = file
        ? {
            status: 200,
            headers: { 'content-type': file.contentType, 'x-request-id': requestId, 'cache-control': 'no-store' },
            body: file.bytes,
          }
        : fail(404, apiError('The file does not exist or has expired.', null, 'file_not_found'), requestId);
    } else {
      reply = fail(404, apiError(`Invalid URL (${request.method} ${url.pathname})`), requestId);
    }

    if (request.signal?.aborted) throw cancelled();
    if (reply.body && request.maxResponseBytes !== undefined && reply.body.length > request.maxResponseBytes) {
      throw new TransportError(
        'bad_response',
        `The response body (${reply.body.length} bytes) is larger than the limit of ${request.maxResponseBytes} bytes`,
        RESPONSE_TOO_LARGE,
      );
    }
    if (reply.chunks && !request.stream) {
      // The caller did not ask for a stream: hand over the whole SSE text as the body.
      const parts: Uint8Array[] = [];
      for await (const chunk of reply.chunks) parts.push(chunk);
      reply = { status: reply.status, headers: reply.headers, body: concatChunks(parts) };
    }
    const response: HttpResponse = { status: reply.status, headers: reply.headers };
    if (reply.body) response.body = reply.body;
    if (reply.chunks) response.chunks = reply.chunks;
    return response;
  };
}

/** The shared sandbox instance the client uses for `{ kind: 'sandbox' }`. */
export const sandboxTransport: Transport = createSandboxTransport();

interface HandlerContext {
  request: HttpRequest;
  body: Uint8Array;
  requestId: string;
  created: number;
  base: string;
  files: FileStore;
  json: (status: number, value: unknown, requestId: string) => Reply;
  fail: (status: number, body: ApiErrorBody, requestId: string) => Reply;
}

function modelNotFound(model: string): ApiErrorBody {
  return apiError(`The model '${model}' does not exist or you do not have access to it.`, null, 'model_not_found');
}

// ───────────────────────────── shared planning ─────────────────────────────

interface Plan {
  model: string;
  family: ModelFamily;
  prompt: string;
  n: number;
  width: number;
  height: number;
  size: string;
  quality: string;
  style?: string;
  format: OutputFormat;
  compression?: number;
  background: 'transparent' | 'opaque';
  responseFormat: 'url' | 'b64_json';
  stream: boolean;
  partialImages: number;
  seed: number;
  label?: string;
  inputImageTokens?: number;
}

type Input = Record<string, unknown>;

/** Checks that only known parameters were sent, then maps them to the core's field names. */
function toInput(raw: Record<string, unknown>, params: Readonly<Record<string, string>>): Input | ApiErrorBody {
  const input: Input = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = params[key];
    if (!field) return apiError(`Unknown parameter: '${key}'.`, key, 'unknown_parameter');
    if (value !== null && value !== undefined) input[field] = value;
  }
  return input;
}

function isError(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && 'error' in value;
}

/** Validates with the core's rules plus what the API itself enforces per call; returns the plan or the API's error. */
function plan(input: Input, edit: boolean, defaultModel: string): Plan | { status: number; body: ApiErrorBody } {
  const model = typeof input.model === 'string' && input.model.length > 0 ? input.model : defaultModel;
  const family = resolveFamily(model);
  if (!family) return { status: 404, body: modelNotFound(model) };
  if (edit && !family.supportsEdit) {
    return {
      status: 400,
      body: apiError(`The model '${model}' does not support image edits.`, 'model', 'invalid_value'),
    };
  }
  const outcome = edit ? validateEdit({ ...input, model }, family) : validateGenerate({ ...input, model }, family);
  if (!outcome.ok) return { status: 400, body: validationError(outcome.problems) };
  const request = outcome.request;
  const n = request.n ?? 1;
  // The core fans n out over calls; one API call takes at most maxImagesPerCall.
  if (n > family.maxImagesPerCall) {
    return {
      status: 400,
      body: apiError(
        `Invalid 'n': integer above maximum value. Expected a value <= ${family.maxImagesPerCall}, but got ${n} instead.`,
        'n',
        'integer_above_max_value',
      ),
    };
  }
  const gpt = isGptImageFamily(family);
  let size = request.size ?? family.defaults.size;
  if (size === 'auto') size = '1024x1024';
  const [w, h] = size.split('x').map(Number) as [number, number];
  let quality = request.quality ?? family.defaults.quality ?? 'auto';
  if (gpt && quality === 'auto') quality = 'medium';
  const format: OutputFormat = gpt ? (request.outputFormat ?? family.defaults.outputFormat) : 'png';
  const out: Plan = {
    model,
    family,
    prompt: request.prompt,
    n,
    width: w,
    height: h,
    size,
    quality,
    format,
    background: gpt && request.background === 'transparent' ? 'transparent' : 'opaque',
    responseFormat: gpt ? 'b64_json' : (request.responseFormat ?? family.defaults.responseFormat ?? 'url'),
    stream: gpt && request.stream === true,
    partialImages: request.stream === true ? (request.partialImages ?? 0) : 0,
    seed: 0,
  };
  if (request.style ?? family.defaults.style) out.style = request.style ?? family.defaults.style;
  if (request.outputCompression !== undefined) out.compression = request.outputCompression;
  return out;
}

function isPlan(value: Plan | { status: number; body: ApiErrorBody }): value is Plan {
  return 'family' in value;
}

function render(p: Plan, index: number, partial?: { index: number; total: number }): Uint8Array {
  return renderSandboxImage({
    prompt: p.prompt,
    width: p.width,
    height: p.height,
    index,
    seed: p.seed,
    format: p.format,
    compression: p.compression,
    background: p.background,
    label: p.label,
    partial,
  });
}

const MIME: Record<OutputFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

function respond(ctx: HandlerContext, p: Plan, eventPrefix: 'image_generation' | 'image_edit'): Reply {
  const gpt = isGptImageFamily(p.family);
  const usage = (images: number): UsageBody =>
    usageFor({
      prompt: p.prompt,
      quality: p.quality,
      width: p.width,
      height: p.height,
      images,
      partialImages: p.partialImages,
      inputImageTokens: p.inputImageTokens,
    });
  if (p.stream) return streamReply(ctx, p, eventPrefix, usage(1));

  const data: Record<string, unknown>[] = [];
  for (let i = 0; i < p.n; i++) {
    if (ctx.request.signal?.aborted) throw cancelled();
    const bytes = render(p, i);
    const item: Record<string, unknown> = {};
    if (p.responseFormat === 'url') {
      const id = `img-${hashBytes(bytes).toString(16).padStart(8, '0')}${bytes.length.toString(16)}.${p.format}`;
      ctx.files.put(id, { bytes, contentType: MIME[p.format] });
      item.url = `${ctx.base}/files/${id}`;
    } else item.b64_json = encodeBase64(bytes);
    if (p.family.id === 'dall-e-3') item.revised_prompt = revisePrompt(p.prompt, p.style);
    data.push(item);
  }
  const body: Record<string, unknown> = { created: ctx.created, data };
  if (gpt) {
    body.background = p.background;
    body.output_format = p.format;
    body.quality = p.quality;
    body.size = p.size;
    body.usage = usage(p.n);
  }
  return ctx.json(200, body, ctx.requestId);
}

function streamReply(ctx: HandlerContext, p: Plan, prefix: string, usage: UsageBody): Reply {
  const signal = ctx.request.signal;
  const meta = {
    created_at: ctx.created,
    size: p.size,
    quality: p.quality,
    background: p.background,
    output_format: p.format,
  };
  async function* events(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < p.n; i++) {
      for (let k = 0; k <= p.partialImages; k++) {
        if (signal?.aborted) throw cancelled();
        const final = k === p.partialImages;
        const bytes = final ? render(p, i) : render(p, i, { index: k, total: p.partialImages });
        const event = final
          ? { type: `${prefix}.completed`, b64_json: encodeBase64(bytes), ...meta, usage }
          : { type: `${prefix}.partial_image`, b64_json: encodeBase64(bytes), ...meta, partial_image_index: k };
        const text = encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        for (let at = 0; at < text.length; at += SSE_CHUNK) {
          if (signal?.aborted) throw cancelled();
          yield text.subarray(at, Math.min(text.length, at + SSE_CHUNK));
        }
      }
    }
  }
  return {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': ctx.requestId,
      'openai-version': '2020-10-01',
      'x-brushwork-sandbox': 'true',
    },
    chunks: events(),
  };
}

// ───────────────────────────── routes ─────────────────────────────

function handleGenerate(ctx: HandlerContext): Reply {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(ctx.body));
  } catch {
    return ctx.fail(
      400,
      apiError(
        'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.',
      ),
      ctx.requestId,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return ctx.fail(400, apiError('The request body must be a JSON object.'), ctx.requestId);
  }
  const input = toInput(raw as Record<string, unknown>, GENERATE_PARAMS);
  if (isError(input)) return ctx.fail(400, input, ctx.requestId);
  if (input.prompt === undefined) {
    return ctx.fail(
      400,
      apiError("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter'),
      ctx.requestId,
    );
  }
  const p = plan(input, false, 'dall-e-2');
  if (!isPlan(p)) return ctx.fail(p.status, p.body, ctx.requestId);
  return respond(ctx, p, 'image_generation');
}

const NUMERIC_FIELDS = new Set(['n', 'outputCompression', 'partialImages']);

function handleEdit(ctx: HandlerContext): Reply {
  const contentType = ctx.request.headers['content-type'];
  const boundary = multipartBoundary(contentType);
  if (!boundary) {
    return ctx.fail(
      400,
      apiError(`Invalid Content-Type header (${contentType ?? 'none'}), expected multipart/form-data with a boundary.`),
      ctx.requestId,
    );
  }
  let parts: ParsedPart[];
  try {
    parts = parseMultipart(ctx.body, boundary);
  } catch (error) {
    return ctx.fail(400, apiError(`Could not parse the multipart form: ${(error as Error).message}.`), ctx.requestId);
  }
  const raw: Record<string, unknown> = {};
  const images: InputImage[] = [];
  let mask: InputImage | undefined;
  for (const part of parts) {
    if (part.name === 'image' || part.name === 'image[]') {
      images.push(fileOf(part));
      continue;
    }
    if (part.name === 'mask') {
      mask = fileOf(part);
      continue;
    }
    if (part.filename !== undefined) {
      return ctx.fail(400, apiError(`Unexpected file for parameter '${part.name}'.`, part.name), ctx.requestId);
    }
    raw[part.name] = partText(part);
  }
  const mapped = toInput(raw, EDIT_PARAMS);
  if (isError(mapped)) return ctx.fail(400, mapped, ctx.requestId);
  for (const key of Object.keys(mapped)) {
    const value = mapped[key] as string;
    if (NUMERIC_FIELDS.has(key) && /^-?\d+$/.test(value)) mapped[key] = Number(value);
    if (key === 'stream' && (value === 'true' || value === 'false')) mapped[key] = value === 'true';
  }
  if (images.length === 0) {
    return ctx.fail(
      400,
      apiError("Missing required parameter: 'image'.", 'image', 'missing_required_parameter'),
      ctx.requestId,
    );
  }
  if (mapped.prompt === undefined) {
    return ctx.fail(
      400,
      apiError("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter'),
      ctx.requestId,
    );
  }
  const input: Input = { ...mapped, images };
  if (mask) input.mask = mask;
  const p = plan(input, true, 'gpt-image-1.5');
  if (!isPlan(p)) return ctx.fail(p.status, p.body, ctx.requestId);
  // The input images steer the picture (so a different source gives a different result) and count as input tokens.
  let seed = hashString('edit');
  let tokens = 0;
  for (const image of images) {
    seed = hashBytes(image.bytes, seed);
    const size = readImageSize(image.bytes) ?? { width: 1024, height: 1024 };
    tokens += imageTokens(Math.min(size.width, 2048), Math.min(size.height, 2048));
  }
  p.seed = seed;
  p.label = 'EDIT';
  if (isGptImageFamily(p.family)) p.inputImageTokens = tokens;
  return respond(ctx, p, 'image_edit');
}

function fileOf(part: ParsedPart): InputImage {
  const image: InputImage = { bytes: part.data };
  if (part.filename) image.filename = part.filename;
  if (part.contentType) image.mimeType = part.contentType;
  return image;
}
