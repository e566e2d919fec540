// Bodies the fake upstream answers with: OpenAI and Azure error shapes, content-filter blocks, blob XML.
import { randomBytes, randomUUID } from 'node:crypto';

export type Provider = 'openai' | 'azure';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** a list of pieces is written one after the other (no copy of large base64 payloads) */
  body: string | Buffer | Array<string | Buffer>;
  /** SSE: the body is sent as these chunks, without content-length */
  events?: Buffer[];
}

const TOKEN = `__fake_upstream_b64_${Math.random().toString(36).slice(2)}_`;

/**
 * JSON whose "b64_json" values are large: stringify with small placeholders, then splice the
 * cached base64 bytes in. JSON.stringify of a 4 MB string costs tens of milliseconds; this costs none.
 * Call `slot(i)` for the value of image i inside `build`.
 */
export function jsonWithImages(value: unknown, images: readonly Buffer[]): Array<string | Buffer> {
  const text = JSON.stringify(value);
  const pieces: Array<string | Buffer> = [];
  const re = new RegExp(`${TOKEN}(\\d+)`, 'g');
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    pieces.push(text.slice(last, m.index));
    pieces.push(images[Number(m[1])]!);
    last = m.index + m[0].length;
  }
  pieces.push(text.slice(last));
  return pieces;
}

export function imageSlot(index: number): string {
  return `${TOKEN}${index}`;
}

export function concatBody(body: Reply['body']): Buffer {
  if (typeof body === 'string') return Buffer.from(body);
  if (Buffer.isBuffer(body)) return body;
  return Buffer.concat(body.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

export function requestIdHeaders(provider: Provider): Record<string, string> {
  if (provider === 'azure') return { 'apim-request-id': randomUUID(), 'x-ms-region': 'Sweden Central' };
  return { 'x-request-id': `req_${randomBytes(16).toString('hex')}`, 'openai-processing-ms': '42' };
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(value),
  };
}

export interface OpenAIErrorFields {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
  [extra: string]: unknown;
}

export function openaiError(status: number, error: OpenAIErrorFields, headers: Record<string, string> = {}): Reply {
  return json(status, { error }, headers);
}

export function azureError(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Reply {
  return json(status, { error: { code, message, ...extra } }, headers);
}

/** Masks a key as the real API does in its 401 message: never the whole key. */
export function maskKey(key: string): string {
  if (key.length < 16) return '****';
  return `${key.slice(0, 6)}${'*'.repeat(Math.min(20, key.length - 10))}${key.slice(-4)}`;
}

export function html502(): Reply {
  return {
    status: 502,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body:
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
      '<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n',
  };
}

export function blobError(status: 403 | 404, code: string, message: string, detail?: string): Reply {
  const time = new Date().toUTCString();
  const body =
    '\uFEFF<?xml version="1.0" encoding="utf-8"?><Error>' +
    `<Code>${code}</Code><Message>${message}\nRequestId:${randomUUID()}\nTime:${time}</Message>` +
    (detail ? `<AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail>` : '') +
    '</Error>';
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-ms-error-code': code, 'x-ms-request-id': randomUUID() },
    body,
  };
}

type Severity = 'safe' | 'low' | 'medium' | 'high';

export function contentFilterResults(blocked: boolean): Record<string, { filtered: boolean; severity: Severity }> {
  return {
    hate: { filtered: false, severity: 'safe' },
    self_harm: { filtered: false, severity: 'safe' },
    sexual: { filtered: false, severity: 'safe' },
    violence: { filtered: blocked, severity: blocked ? 'high' : 'safe' },
  };
}

export function promptFilterResults(): Record<string, unknown> {
  return {
    ...contentFilterResults(false),
    jailbreak: { filtered: false, detected: false },
    profanity: { filtered: false, detected: false },
  };
}
