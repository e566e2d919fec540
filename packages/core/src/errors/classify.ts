/**
 * Turns what came back from an image API (a non-success HTTP response, or a thrown failure) into one
 * `ImageError` whose message tells the user what to do. Never throws, whatever the body holds, and never
 * lets a credential into a message. Pure: the clock is injectable.
 */
import { ImageError, TransportError } from './image-error.js';
import type { ImageErrorKind } from './image-error.js';
import { DEFAULT_MODEL, retirementOf } from '../models/families.js';
import type { ProviderKind } from '../types.js';

export interface ResponseToClassify {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
  /** The model asked for (Azure: the deployment name), to name in messages. */
  model?: string;
  provider: ProviderKind;
  /** Clock for HTTP-date Retry-After headers. Default Date.now. */
  now?: () => number;
  /** Known credentials (API key, token) to blank out of any text taken from the response. */
  secrets?: readonly string[];
}

// ───────────────────────────── secrets ─────────────────────────────

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // OpenAI keys (sk-..., sk-proj-..., partially masked sk-abc***xyz in "Incorrect API key" messages).
  [/\bsk-[A-Za-z0-9_*.-]{3,}/g, 'sk-***'],
  // Authorization header values.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=*-]+/gi, '$1 ***'],
  // JWTs (Entra ID tokens).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?/g, '***'],
  // api-key / api_key / apikey / x-api-key: value, in headers, JSON or query strings.
  [/(\b(?:x-)?api[-_]?key\b["']?\s*[:=]\s*["']?)[^\s"',;&}]+/gi, '$1***'],
  // Tokens and signatures in query strings.
  [/([?&](?:key|token|access_token|sig|code)=)[^&\s"']+/gi, '$1***'],
  // "Incorrect API key provided: abc123." from hosts whose keys are not sk-...
  [/(API key provided:\s*)[^\s]+?(?=\.?(?:\s|$))/gi, '$1***'],
];

/** Removes API keys, bearer tokens and api-key values (and any `secrets` given) from a text. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (typeof secret === 'string' && secret.length >= 4) out = out.split(secret).join('***');
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

// ───────────────────────────── headers ─────────────────────────────

function lowerHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string') out[name.toLowerCase()] = value;
  }
  return out;
}

/**
 * Server-advised wait in ms, as the official SDK reads it: `retry-after-ms`, else `retry-after` in seconds,
 * else `retry-after` as an HTTP date (relative to `now`). Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(headers: Record<string, string>, now: () => number = Date.now): number | undefined {
  const h = lowerHeaders(headers);
  const ms = h['retry-after-ms'];
  if (ms !== undefined && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = h['retry-after'];
  if (after === undefined || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}

/** `x-should-retry: true|false` from the server, which overrides our own judgement. */
export function shouldRetryHeader(headers: Record<string, string>): boolean | undefined {
  const value = lowerHeaders(headers)['x-should-retry']?.trim().toLowerCase();
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

/** The request id to quote to support: OpenAI's x-request-id, Azure's apim-request-id. */
export function readRequestId(headers: Record<string, string>): string | undefined {
  const h = lowerHeaders(headers);
  return h['x-request-id'] || h['apim-request-id'] || h['x-ms-request-id'] || undefined;
}

// ───────────────────────────── bodies ─────────────────────────────

export type BodyKind = 'json' | 'malformed_json' | 'html' | 'text' | 'binary' | 'empty';

export interface ReadBody {
  kind: BodyKind;
  /** Parsed JSON (kind json). */
  json?: unknown;
  /** A short, tag-free, single-line excerpt safe to show (not yet redacted). */
  excerpt: string;
  bytes: number;
}

const EXCERPT_CHARS = 200;

/** Reads an error body of any shape without throwing. */
export function readBody(body: string | Uint8Array | undefined | null): ReadBody {
  let text: string;
  let bytes: number;
  if (body instanceof Uint8Array) {
    bytes = body.byteLength;
    if (looksBinary(body)) return { kind: 'binary', excerpt: `(${bytes} bytes of binary data)`, bytes };
    text = new TextDecoder('utf-8', { fatal: false }).decode(body);
  } else if (typeof body === 'string') {
    text = body;
    bytes = body.length;
  } else {
    return { kind: 'empty', excerpt: '', bytes: 0 };
  }
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty', excerpt: '', bytes };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { kind: 'json', json: JSON.parse(trimmed), excerpt: shorten(oneLine(trimmed)), bytes };
    } catch {
      return { kind: 'malformed_json', excerpt: shorten(oneLine(trimmed)), bytes };
    }
  }
  if (/^<(?:!doctype|html|head|body|\?xml)|<\/(?:html|body|title|h1|p|div)>/i.test(trimmed)) {
    return { kind: 'html', excerpt: shorten(htmlText(trimmed)), bytes };
  }
  if (/[\u0000-\u0008\u000e-\u001f]/.test(trimmed.slice(0, 512))) {
    return { kind: 'binary', excerpt: `(${bytes} bytes of binary data)`, bytes };
  }
  return { kind: 'text', excerpt: shorten(oneLine(trimmed)), bytes };
}

function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 512);
  let odd = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 9 || (byte > 13 && byte < 32)) odd++;
  }
  return sample.length > 0 && odd / sample.length > 0.1;
}

function htmlText(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1];
  const pick = (title && stripTags(title)) || (heading && stripTags(heading));
  if (pick) return pick;
  return stripTags(html.replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, ' '));
}

function stripTags(html: string): string {
  return oneLine(
    html
      .replace(/<[^>]*>?/g, ' ')
      .replace(/&nbsp;/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/[<>]/g, ''),
  );
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function shorten(text: string, max = EXCERPT_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// ───────────────────────────── error bodies (OpenAI and Azure shapes) ─────────────────────────────

interface WireError {
  message?: string;
  code?: string;
  type?: string;
  param?: string;
  innerCode?: string;
  contentFilter?: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * `{error: {message, type, param, code}}` (OpenAI), `{error: {code, message, inner_error|innererror: {code,
 * content_filter_results}}}` (Azure), `{statusCode, message}` (Azure API management), `{error: "text"}` and
 * `{detail: "text"}` (some compatible hosts).
 */
function readWireError(json: unknown): WireError | undefined {
  if (!isRecord(json)) return undefined;
  const error = json.error;
  if (typeof error === 'string') return { message: error.trim() || undefined };
  if (isRecord(error)) {
    const inner = isRecord(error.inner_error) ? error.inner_error : isRecord(error.innererror) ? error.innererror : {};
    const filter =
      (isRecord(inner.content_filter_results) && inner.content_filter_results) ||
      (isRecord(inner.content_filter_result) && inner.content_filter_result) ||
      (isRecord(error.content_filter_results) && error.content_filter_results) ||
      (isRecord(error.moderation_details) && error.moderation_details) ||
      undefined;
    return {
      message: asText(error.message),
      code: asText(error.code),
      type: asText(error.type),
      param: asText(error.param),
      innerCode: asText(inner.code),
      contentFilter: filter || undefined,
    };
  }
  const message = asText(json.message) ?? asText(json.detail) ?? asText(json.msg);
  if (message !== undefined || json.statusCode !== undefined) {
    return { message, code: asText(json.code) };
  }
  return undefined;
}

const CONTENT_POLICY_CODES = new Set([
  'content_policy_violation',
  'contentfilter',
  'content_filter',
  'moderation_blocked',
  'responsibleaipolicyviolation',
]);
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active']);
const AUTH_CODES = new Set(['invalid_api_key', 'invalid_authentication', 'unauthorized', 'accessdenied']);
const MODEL_CODES = new Set(['model_not_found', 'deploymentnotfound']);

/** Azure filter categories that fired: "sexual (high), jailbreak (detected)". */
export function firedFilters(results: Record<string, unknown> | undefined): string[] {
  if (!results) return [];
  const fired: string[] = [];
  for (const [category, value] of Object.entries(results)) {
    if (!isRecord(value)) {
      if (value === true) fired.push(category.replace(/_/g, ' '));
      continue;
    }
    if (value.filtered === true || value.detected === true) {
      const severity = asText(value.severity);
      const detail = severity && severity !== 'safe' ? severity : value.detected === true ? 'detected' : undefined;
      fired.push(`${category.replace(/_/g, ' ')}${detail ? ` (${detail})` : ''}`);
    }
  }
  return fired;
}

// ───────────────────────────── classifyResponse ─────────────────────────────

function hostName(provider: ProviderKind): string {
  switch (provider) {
    case 'openai':
      return 'OpenAI';
    case 'azure':
    case 'azure-legacy':
      return 'Azure OpenAI';
    case 'sandbox':
      return 'The sandbox';
    default:
      return 'The image API';
  }
}

const WIRE_FIELDS: Record<string, string> = {
  response_format: 'responseFormat',
  output_format: 'outputFormat',
  output_compression: 'outputCompression',
  partial_images: 'partialImages',
  input_fidelity: 'inputFidelity',
};

function waitText(ms: number): string {
  if (ms < 1000) return `${Math.max(1, Math.ceil(ms / 100) / 10)} s`;
  if (ms < 120_000) return `${Math.ceil(ms / 1000)} s`;
  return `${Math.ceil(ms / 60_000)} min`;
}

/** "Please retry after 6 seconds" / "try again in 1.5s" / "in 20ms" in a rate-limit message. */
function retryAfterFromMessage(message: string | undefined): number | undefined {
  if (!message) return undefined;
  const match = /(?:retry after|try again in)\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?)\b/i.exec(message);
  if (!match) return undefined;
  const value = Number(match[1]);
  return /^m/i.test(match[2] ?? '') ? value : value * 1000;
}

/**
 * The ImageError for a response that did not carry images: any status, any body (OpenAI or Azure JSON,
 * HTML from a proxy, empty, truncated, binary). Never throws.
 */
export function classifyResponse(response: ResponseToClassify): ImageError {
  try {
    return classify(response);
  } catch (cause) {
    // Defensive: a bug here must not hide the original failure.
    return new ImageError({
      kind: 'bad_response',
      message: `${hostName(response.provider)} answered ${response.status} and the answer could not be read.`,
      status: response.status,
      retryable: false,
      cause,
    });
  }
}

function classify(r: ResponseToClassify): ImageError {
  const status = Number.isInteger(r.status) ? r.status : 0;
  const headers = lowerHeaders(r.headers);
  const now = r.now ?? Date.now;
  const redact = (text: string) => redactSecrets(text, r.secrets);
  const host = hostName(r.provider);
  const azure = r.provider === 'azure' || r.provider === 'azure-legacy';
  const body = readBody(r.body);
  const wire = body.kind === 'json' ? readWireError(body.json) : undefined;
  const code = wire?.code;
  const lcode = code?.toLowerCase();
  const innerCode = wire?.innerCode?.toLowerCase();
  const serverText = wire?.message ? redact(shorten(oneLine(wire.message), 400)) : undefined;
  const requestId = readRequestId(headers);
  let retryAfterMs = parseRetryAfter(headers, now);
  const shouldRetry = shouldRetryHeader(headers);

  const said = serverText
    ? `: ${serverText}`
    : body.excerpt
      ? ` (${describeBody(body.kind)}: ${redact(body.excerpt)})`
      : '';
  const statusText = code && code !== String(status) ? `${status} ${code}` : String(status);
  const model = r.model?.trim() || undefined;

  let kind: ImageErrorKind;
  let retryable = false;
  let message: string;

  const isContentPolicy =
    (lcode !== undefined && CONTENT_POLICY_CODES.has(lcode)) ||
    (innerCode !== undefined && CONTENT_POLICY_CODES.has(innerCode)) ||
    (status === 400 && wire?.type === 'image_generation_user_error' && /safety|moderation/i.test(wire.message ?? ''));

  if (lcode !== undefined && QUOTA_CODES.has(lcode)) {
    kind = 'quota';
    message =
      `${host} says your quota or billing limit is used up (${statusText})${said}. ` +
      'Add credit or raise the limit in your account; retrying will not help.';
  } else if (isContentPolicy) {
    kind = 'content_policy';
    const fired = firedFilters(wire?.contentFilter);
    message =
      `The prompt was refused by ${host === 'The image API' ? "the host's" : `${host}'s`} safety system (${code ?? status})` +
      `${fired.length > 0 ? `; filters that fired: ${fired.join(', ')}` : ''}. ` +
      `Rephrase the prompt and try again.${serverText ? ` The server said: ${serverText}` : ''}`;
  } else if (status === 401 || (lcode !== undefined && AUTH_CODES.has(lcode))) {
    kind = 'authentication';
    message =
      `${host} rejected the credentials (${statusText})${said}. ` +
      (azure
        ? 'Check the api-key (or the Entra ID token) and that it belongs to this Azure OpenAI resource.'
        : 'Check the API key.');
  } else if (status === 403) {
    kind = 'permission';
    message =
      `${host} refused access (${statusText})${said}. ` +
      'Your key, project or organization may not have access to this model (some image models need a verified organization).';
  } else if (
    (lcode !== undefined && MODEL_CODES.has(lcode)) ||
    (status === 404 && wire !== undefined && /model|deployment/i.test(wire.message ?? ''))
  ) {
    kind = 'model_not_found';
    const named = model ?? modelFromMessage(wire?.message);
    const retired = named ? retirementOf(named) : undefined;
    if (retired) {
      message =
        `Model ${named} is not available${retired.status === 'retired' ? `: it was retired on ${retired.retiredOn}` : ` (${retired.retiredOn})`}. ` +
        `Use ${retired.replacement} instead.`;
    } else if (lcode === 'deploymentnotfound' || (azure && !lcode?.startsWith('model'))) {
      message =
        `Azure OpenAI has no deployment named ${named ?? '(none given)'} (${statusText}). ` +
        'Check the deployment name in your Azure OpenAI resource, and that the deployment has finished.';
    } else {
      message =
        `Model ${named ?? '(none given)'} was not found or your key cannot use it (${statusText})${said}. ` +
        `Check the model id, or use ${DEFAULT_MODEL}.`;
    }
  } else if (status === 429) {
    kind = 'rate_limit';
    retryable = true;
    retryAfterMs ??= retryAfterFromMessage(wire?.message);
    message =
      `${host} is rate limiting these requests (${statusText}): ` +
      (retryAfterMs !== undefined && retryAfterMs > 0
        ? `wait ${waitText(retryAfterMs)} before trying again`
        : 'wait a few seconds before trying again') +
      (azure ? ' (Azure image deployments allow 6 requests per minute by default)' : '') +
      `.${serverText ? ` The server said: ${serverText}` : ''}`;
  } else if (status === 408) {
    kind = 'timeout';
    retryable = true;
    message = `${host} timed out handling the request (408)${said}. It can be tried again.`;
  } else if (status === 409) {
    kind = 'server';
    retryable = true;
    message = `${host} reported a conflict (409)${said}. It can be tried again.`;
  } else if (status >= 500) {
    kind = 'server';
    retryable = true;
    message = `${host} had a server error (${statusText})${said}. This is usually temporary; try again shortly.`;
  } else if (status === 404) {
    kind = 'invalid_request';
    message =
      `${host} answered 404 Not Found${said}. ` +
      (azure
        ? 'Check the endpoint, the deployment name and the api-version.'
        : 'Check the base URL (it should end in /v1 for OpenAI-style hosts).');
  } else if (status >= 400) {
    kind = 'invalid_request';
    const param = wire?.param;
    const field = param ? (WIRE_FIELDS[param] ?? param) : undefined;
    message = `${host} rejected the request (${statusText}${field ? `, field ${field}` : ''})${said}.`;
  } else if (wire !== undefined && wire.message !== undefined) {
    // A success status carrying an error object (e.g. a failed Azure legacy operation).
    kind = 'server';
    message = `${host} reported an error (${code ?? status})${said}.`;
  } else {
    kind = 'bad_response';
    message =
      `${host} answered ${status} with ${describeBody(body.kind)} instead of images` +
      `${body.excerpt && body.kind !== 'json' ? `: ${redact(body.excerpt)}` : ''}.`;
  }

  if (shouldRetry !== undefined) retryable = shouldRetry;
  // Server text usually ends in a full stop already: no "..".
  message = message.replace(/([.!?])\.(?=\s|$)/g, '$1');
  if (requestId) message += ` (request id ${requestId})`;

  return new ImageError({
    kind,
    message: redact(message),
    status,
    code,
    param: wire?.param,
    type: wire?.type,
    requestId,
    retryable,
    retryAfterMs,
    contentFilter: kind === 'content_policy' ? wire?.contentFilter : undefined,
  });
}

function describeBody(kind: BodyKind): string {
  switch (kind) {
    case 'json':
      return 'unexpected JSON';
    case 'malformed_json':
      return 'malformed or truncated JSON';
    case 'html':
      return 'an HTML page';
    case 'text':
      return 'plain text';
    case 'binary':
      return 'binary data';
    case 'empty':
      return 'an empty body';
  }
}

/** "The model `dall-e-3` does not exist" → dall-e-3. */
function modelFromMessage(message: string | undefined): string | undefined {
  return message ? /model [`'"]?([A-Za-z0-9._:/-]+)[`'"]?/i.exec(message)?.[1] : undefined;
}

// ───────────────────────────── classifyFailure ─────────────────────────────

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_HTTP2_STREAM_ERROR',
  'EPROTO',
]);

function prop(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** name / code / message of the error and its causes (a few levels), outermost first. */
function chain(error: unknown): { name?: string; code?: string; message?: string }[] {
  const out: { name?: string; code?: string; message?: string }[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    out.push({
      name: asText(prop(current, 'name')),
      code: asText(prop(current, 'code')),
      message: typeof current === 'string' ? current : asText(prop(current, 'message')),
    });
    current = prop(current, 'cause');
  }
  return out;
}

/**
 * The ImageError for something thrown while sending (no HTTP response): TransportError, AbortError /
 * TimeoutError (DOMException or not), Node and undici socket errors, anything else. Never throws.
 */
export function classifyFailure(error: unknown, secrets?: readonly string[]): ImageError {
  if (error instanceof ImageError) return error;
  const redact = (text: string) => redactSecrets(shorten(oneLine(text), 300), secrets);
  const links = chain(error);
  const first = links[0] ?? {};
  const detail = first.message ? `: ${redact(first.message)}` : '';
  const codes = links.map((l) => l.code).filter((c): c is string => c !== undefined);
  const names = links.map((l) => l.name);
  // util.inspect prints an error's cause: keep it only when no message in the chain holds a credential.
  const leaky = links.some((l) => l.message !== undefined && redactSecrets(l.message, secrets) !== l.message);
  const cause = leaky ? undefined : error;

  if (error instanceof TransportError) {
    const code = error.code;
    switch (error.kind) {
      case 'cancelled':
        return cancelled(cause);
      case 'timeout':
        return timeout(cause, code, redact(error.message));
      case 'network':
        return new ImageError({
          kind: 'network',
          message: `The connection failed${code ? ` (${code})` : ''}: ${redact(error.message)}${hint(code)}`,
          code,
          retryable: true,
          cause,
        });
      case 'bad_response':
        return new ImageError({
          kind: 'bad_response',
          message: `The answer could not be read${code ? ` (${code})` : ''}: ${redact(error.message)}`,
          code,
          retryable: code !== undefined && NETWORK_CODES.has(code),
          cause,
        });
    }
  }
  if (names[0] === 'TimeoutError' || (names[0] === 'AbortError' && names.slice(1).includes('TimeoutError'))) {
    return timeout(cause, codes[0], first.message ? redact(first.message) : undefined);
  }
  if (names[0] === 'AbortError' || names[0] === 'CancelError') return cancelled(cause);
  const timeoutCode = codes.find((c) => TIMEOUT_CODES.has(c));
  if (timeoutCode) return timeout(cause, timeoutCode, first.message ? redact(first.message) : undefined);
  const networkCode = codes.find((c) => NETWORK_CODES.has(c));
  if (networkCode) {
    return new ImageError({
      kind: 'network',
      message: `The connection failed (${networkCode})${detail}${hint(networkCode)}`,
      code: networkCode,
      retryable: true,
      cause,
    });
  }
  // fetch() rejects with TypeError('fetch failed') for any connection-level failure.
  const fetchFailed = names[0] === 'TypeError' && /fetch failed|network/i.test(first.message ?? '');
  return new ImageError({
    kind: 'network',
    message: `The request failed${detail || ` (${typeof error})`}`,
    code: codes[0],
    retryable: fetchFailed,
    cause,
  });
}

function cancelled(cause: unknown): ImageError {
  return new ImageError({ kind: 'cancelled', message: 'The request was cancelled.', retryable: false, cause });
}

function timeout(cause: unknown, code: string | undefined, detail: string | undefined): ImageError {
  return new ImageError({
    kind: 'timeout',
    message:
      `The request timed out${detail ? ` (${detail})` : ''}. Image generation can take minutes for high quality ` +
      'or large sizes: allow at least 120 s per attempt.',
    code,
    retryable: true,
    cause,
  });
}

function hint(code: string | undefined): string {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return '. Check the base URL or endpoint host name.';
  if (code === 'ECONNREFUSED') return '. Nothing is listening there: check the base URL or endpoint.';
  return '';
}
