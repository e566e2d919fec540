/**
 * Reading an error body of any shape (OpenAI or Azure JSON, HTML from a proxy, text, binary, empty)
 * without throwing, and the error object inside it. Pure.
 */
import { oneLine, shorten } from '../util/text.js';
import { asText, isRecord } from '../util/values.js';
import { redactSecrets } from './redact.js';

export type BodyKind = 'json' | 'malformed_json' | 'html' | 'text' | 'binary' | 'empty';

export interface ReadBody {
  kind: BodyKind;
  /** Parsed JSON (kind json). */
  json?: unknown;
  /** A short, tag-free, single-line excerpt safe to show: redacted, then cut. */
  excerpt: string;
  bytes: number;
}

const EXCERPT_CHARS = 200;
/** Redaction looks this far into a body: well past the excerpt, so nothing in the excerpt escapes it. */
const REDACT_WINDOW = EXCERPT_CHARS + 1024;

/** Reads an error body of any shape without throwing; `secrets` are masked before the excerpt is cut. */
export function readBody(body: string | Uint8Array | undefined | null, secrets?: readonly string[]): ReadBody {
  const excerpt = (text: string) => shorten(redactSecrets(text.slice(0, REDACT_WINDOW), secrets), EXCERPT_CHARS);
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
      return { kind: 'json', json: JSON.parse(trimmed), excerpt: excerpt(oneLine(trimmed)), bytes };
    } catch {
      return { kind: 'malformed_json', excerpt: excerpt(oneLine(trimmed)), bytes };
    }
  }
  if (/^<(?:!doctype|html|head|body|\?xml)|<\/(?:html|body|title|h1|p|div)>/i.test(trimmed)) {
    return { kind: 'html', excerpt: excerpt(htmlText(trimmed)), bytes };
  }
  if (/[\u0000-\u0008\u000e-\u001f]/.test(trimmed.slice(0, 512))) {
    return { kind: 'binary', excerpt: `(${bytes} bytes of binary data)`, bytes };
  }
  return { kind: 'text', excerpt: excerpt(oneLine(trimmed)), bytes };
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

/** What arrived instead of the expected answer, in words: "an HTML page", "malformed or truncated JSON". */
export function describeBody(kind: BodyKind): string {
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

// ───────────────────────────── error objects (OpenAI and Azure shapes) ─────────────────────────────

export interface WireError {
  message?: string;
  code?: string;
  type?: string;
  param?: string;
  innerCode?: string;
  contentFilter?: Record<string, unknown>;
}

/**
 * `{error: {message, type, param, code}}` (OpenAI), `{error: {code, message, inner_error|innererror: {code,
 * content_filter_results}}}` (Azure), `{statusCode, message}` (Azure API management), `{error: "text"}` and
 * `{detail: "text"}` (some compatible hosts).
 */
export function readWireError(json: unknown): WireError | undefined {
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
