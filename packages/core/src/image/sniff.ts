/**
 * Image type and size from the first bytes of a file (PNG, JPEG, WebP). Never throws: truncated or
 * unknown input gives `undefined`.
 */
import type { ImageMimeType } from '../types.js';

export interface SniffedType {
  mimeType: ImageMimeType;
  extension: 'png' | 'jpg' | 'webp';
}

export interface ImageDimensions {
  width: number;
  height: number;
}

function isBytes(bytes: unknown): bytes is Uint8Array {
  return bytes instanceof Uint8Array;
}

function ascii(b: Uint8Array, at: number, text: string): boolean {
  if (at + text.length > b.length) return false;
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

function isPng(b: Uint8Array): boolean {
  return (
    b.length >= 8 &&
    b[0] === 0x89 &&
    b[1] === 0x50 &&
    b[2] === 0x4e &&
    b[3] === 0x47 &&
    b[4] === 0x0d &&
    b[5] === 0x0a &&
    b[6] === 0x1a &&
    b[7] === 0x0a
  );
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

function isWebp(b: Uint8Array): boolean {
  return ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP');
}

export function sniffImageType(bytes: Uint8Array): SniffedType | undefined {
  if (!isBytes(bytes)) return undefined;
  if (isPng(bytes)) return { mimeType: 'image/png', extension: 'png' };
  if (isJpeg(bytes)) return { mimeType: 'image/jpeg', extension: 'jpg' };
  if (isWebp(bytes)) return { mimeType: 'image/webp', extension: 'webp' };
  return undefined;
}

export function readImageSize(bytes: Uint8Array): ImageDimensions | undefined {
  if (!isBytes(bytes)) return undefined;
  let size: ImageDimensions | undefined;
  if (isPng(bytes)) size = pngSize(bytes);
  else if (isJpeg(bytes)) size = jpegSize(bytes);
  else if (isWebp(bytes)) size = webpSize(bytes);
  if (!size || size.width < 1 || size.height < 1) return undefined;
  return size;
}

const u16be = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u32be = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u24le = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);

function pngSize(b: Uint8Array): ImageDimensions | undefined {
  // Signature (8), then the IHDR chunk: length (4), "IHDR", width (4), height (4).
  if (b.length < 24 || !ascii(b, 12, 'IHDR')) return undefined;
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  if (width > 0x7fffffff || height > 0x7fffffff) return undefined;
  return { width, height };
}

function isSof(marker: number): boolean {
  // SOF0–SOF15 are C0–CF, except C4 (DHT), C8 (JPG extension) and CC (DAC).
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpegSize(b: Uint8Array): ImageDimensions | undefined {
  let pos = 2;
  const len = b.length;
  while (pos < len) {
    if (b[pos] !== 0xff) return undefined; // not at a marker: corrupt
    while (pos < len && b[pos] === 0xff) pos++; // fill bytes
    if (pos >= len) return undefined;
    const marker = b[pos]!;
    pos++;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // TEM, RSTn: no length
    if (marker === 0xd8) continue; // a stray SOI
    if (marker === 0xd9 || marker === 0xda || marker === 0x00) return undefined; // EOI / SOS before any SOF
    if (pos + 2 > len) return undefined;
    const segLen = u16be(b, pos);
    if (segLen < 2) return undefined;
    if (isSof(marker)) {
      // length (2), precision (1), height (2), width (2)
      if (segLen < 7 || pos + 7 > len) return undefined;
      return { height: u16be(b, pos + 3), width: u16be(b, pos + 5) };
    }
    pos += segLen;
  }
  return undefined;
}

function webpSize(b: Uint8Array): ImageDimensions | undefined {
  if (ascii(b, 12, 'VP8X')) {
    if (b.length < 30) return undefined;
    return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  }
  if (ascii(b, 12, 'VP8L')) {
    if (b.length < 25 || b[20] !== 0x2f) return undefined;
    const bits = (b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24)) >>> 0;
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (ascii(b, 12, 'VP8 ')) {
    // Frame tag (3 bytes, bit 0 = 0 for a key frame), start code 9D 01 2A, then 14-bit sizes.
    if (b.length < 30) return undefined;
    if ((b[20]! & 1) !== 0 || b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined;
    return { width: (b[26]! | (b[27]! << 8)) & 0x3fff, height: (b[28]! | (b[29]! << 8)) & 0x3fff };
  }
  return undefined;
}

const TYPE_NAMES: Readonly<Record<string, string>> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP' };

/** How people name an image type: 'image/png' or 'png' → PNG, 'image/jpeg' or 'jpeg' → JPEG, WebP. */
export function imageTypeName(type: ImageMimeType | 'png' | 'jpeg' | 'webp'): string {
  const format = type.replace(/^image\//, '');
  return TYPE_NAMES[format] ?? format.toUpperCase();
}
