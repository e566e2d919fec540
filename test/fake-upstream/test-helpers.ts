// Helpers for the fake upstream's own tests: a tiny PNG reader (independent of the writer) and HTTP calls.
import { inflateSync } from 'node:zlib';
import { crc32, encodePngScanlines } from './png.ts';

export const KEY = 'sk-test-fake-upstream-0123456789abcdef';

export interface DecodedPng {
  width: number;
  height: number;
  colorType: number;
  pixels: Buffer;
}

/** Reads a PNG: checks the signature and every chunk CRC, inflates IDAT and checks the scanline length. */
export function decodePng(bytes: Uint8Array): DecodedPng {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    throw new Error('not a PNG signature');
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Buffer[] = [];
  let ended = false;
  while (pos < buf.length) {
    const length = buf.readUInt32BE(pos);
    const type = buf.subarray(pos + 4, pos + 8).toString('latin1');
    const data = buf.subarray(pos + 8, pos + 8 + length);
    const crc = buf.readUInt32BE(pos + 8 + length);
    if (crc !== crc32(buf, pos + 4, pos + 8 + length)) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      colorType = data[9]!;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    pos += 12 + length;
  }
  if (!ended) throw new Error('no IEND');
  const pixels = inflateSync(Buffer.concat(idat));
  const channels = colorType === 6 ? 4 : 3;
  if (pixels.length !== height * (1 + width * channels)) throw new Error('scanline data has the wrong length');
  return { width, height, colorType, pixels };
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience
  json: any;
}

export async function call(
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    form?: FormData;
    signal?: AbortSignal;
  } = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  let body: string | FormData | undefined;
  if (init.form) body = init.form;
  else if (init.body !== undefined) {
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    signal: init.signal,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export const bearer = (key = KEY) => ({ authorization: `Bearer ${key}` });

/** A real grey RGBA PNG of the given size, for edit uploads. */
export function greyPng(width: number, height: number): Buffer {
  const lines = new Uint8Array(height * (1 + width * 4)).fill(0x80);
  for (let y = 0; y < height; y++) lines[y * (1 + width * 4)] = 0;
  return encodePngScanlines(width, height, 4, lines, 6);
}

export function pngBlob(bytes: Uint8Array, type = 'image/png'): Blob {
  return new Blob([new Uint8Array(bytes)], { type });
}
