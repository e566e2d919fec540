/**
 * A multipart/form-data parser (RFC 7578) over bytes, for the sandbox's /images/edits route. File
 * contents stay bytes (subarrays of the body); text fields are decoded as UTF-8.
 */

export interface ParsedPart {
  name: string;
  /** Present for file parts. */
  filename?: string;
  contentType?: string;
  data: Uint8Array;
}

const decoder = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** The boundary parameter of a multipart/form-data content type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  return boundary && boundary.length <= 200 ? boundary : undefined;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  outer: for (let i = haystack.indexOf(first!, from); i !== -1 && i <= last; i = haystack.indexOf(first!, i + 1)) {
    for (let k = 1; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

function unescapeQuoted(value: string): string {
  return value.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%22/g, '"');
}

/** Parses a body; throws an Error with a readable message when it is not well-formed. */
export function parseMultipart(body: Uint8Array, boundary: string): ParsedPart[] {
  const enc = new TextEncoder();
  const dash = enc.encode(`--${boundary}`);
  const delimiter = enc.encode(`\r\n--${boundary}`);
  let pos: number;
  if (indexOf(body, dash, 0) === 0) pos = dash.length;
  else {
    const at = indexOf(body, delimiter, 0);
    if (at === -1) throw new Error('the multipart body has no opening boundary');
    pos = at + delimiter.length;
  }
  const parts: ParsedPart[] = [];
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // closing "--"
    // Skip transport padding, then the CRLF after the boundary.
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new Error('malformed multipart boundary line');
    pos += 2;
    const headerEnd = indexOf(body, enc.encode('\r\n\r\n'), pos);
    let headers: string;
    let contentStart: number;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) {
      headers = '';
      contentStart = pos + 2;
    } else {
      if (headerEnd === -1) throw new Error('a multipart part has no end of headers');
      headers = latin1.decode(body.subarray(pos, headerEnd));
      contentStart = headerEnd + 4;
    }
    const next = indexOf(body, delimiter, contentStart);
    if (next === -1) throw new Error('the multipart body has no closing boundary');
    const part = parsePartHeaders(headers);
    parts.push({ ...part, data: body.subarray(contentStart, next) });
    pos = next + delimiter.length;
    if (pos > body.length) throw new Error('the multipart body ends early');
  }
}

function parsePartHeaders(text: string): Omit<ParsedPart, 'data'> {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    // Header values arrive as bytes; names and file names are UTF-8 in practice.
    const value = decoder.decode(Uint8Array.from(line.slice(colon + 1).trim(), (c) => c.charCodeAt(0) & 0xff));
    if (key === 'content-disposition') {
      const n = /(?:^|;)\s*name="([^"]*)"/i.exec(value) ?? /(?:^|;)\s*name=([^;\s]+)/i.exec(value);
      const f = /;\s*filename="([^"]*)"/i.exec(value) ?? /;\s*filename=([^;\s]+)/i.exec(value);
      if (n) name = unescapeQuoted(n[1]!);
      if (f) filename = unescapeQuoted(f[1]!);
    } else if (key === 'content-type') {
      contentType = value;
    }
  }
  if (name === undefined) throw new Error('a multipart part has no name');
  const out: Omit<ParsedPart, 'data'> = { name };
  if (filename !== undefined) out.filename = filename;
  if (contentType !== undefined) out.contentType = contentType;
  return out;
}

/** Decodes a text part. */
export function partText(part: ParsedPart): string {
  return decoder.decode(part.data);
}
