// Image bytes the fake upstream serves: real PNGs (own writer), JPEG/WebP through sharp (test code only).
// 'solid' images are a few kB; 'photo' images are incompressible noise so that a 1024x1024 PNG is
// about 3.1 MB (4.2 MB as base64), like a real photo. Rendered bytes are cached per spec.
import { createRequire } from 'node:module';
import { encodePngScanlines } from './png.ts';

export type ImageKind = 'solid' | 'photo';
export type ImageFormat = 'png' | 'jpeg' | 'webp';

export interface RenderSpec {
  kind: ImageKind;
  width: number;
  height: number;
  format: ImageFormat;
  transparent: boolean;
  /** picks the solid colour (ignored for photo) */
  variant: number;
  /** jpeg/webp quality 0–100 (output_compression) */
  quality?: number;
}

export interface RenderedImage {
  bytes: Buffer;
  base64: string;
  /** the base64 text as bytes, ready to splice into a response body without re-encoding */
  base64Bytes: Buffer;
  mimeType: string;
}

const PALETTE: ReadonlyArray<readonly [number, number, number]> = [
  [0xe6, 0x39, 0x46],
  [0x2a, 0x9d, 0x8f],
  [0x26, 0x46, 0x53],
  [0xe9, 0xc4, 0x6a],
  [0xf4, 0xa2, 0x61],
  [0x45, 0x7b, 0x9d],
  [0x8d, 0x99, 0xae],
  [0x6a, 0x4c, 0x93],
];

export const PALETTE_SIZE = PALETTE.length;

/** Deterministic xorshift32 fill, 4 bytes at a time. */
function fillNoise(target: Uint8Array, seed: number): void {
  let x = seed >>> 0 || 0x9e3779b9;
  const words = Math.floor(target.length / 4);
  const view = new Uint32Array(target.buffer, target.byteOffset, words);
  for (let i = 0; i < words; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    view[i] = x;
  }
  for (let i = words * 4; i < target.length; i++) target[i] = (i * 31 + seed) & 0xff;
}

function colourOf(spec: RenderSpec): [number, number, number, number] {
  const [r, g, b] = PALETTE[((spec.variant % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
  return [r, g, b, spec.transparent ? 0x80 : 0xff];
}

function pngBytes(spec: RenderSpec): Buffer {
  const channels = spec.transparent ? 4 : 3;
  const stride = spec.width * channels + 1;
  // Uint32 view needs 4-byte alignment: allocate a fresh ArrayBuffer
  const lines = new Uint8Array(new ArrayBuffer(Math.ceil((stride * spec.height) / 4) * 4), 0, stride * spec.height);
  if (spec.kind === 'photo') {
    fillNoise(lines, spec.width * 65_537 + spec.height);
    for (let y = 0; y < spec.height; y++) lines[y * stride] = 0;
    // stored deflate blocks: the noise would not compress anyway, and this is fast
    return encodePngScanlines(spec.width, spec.height, channels, lines, 0);
  }
  const colour = colourOf(spec);
  const row = new Uint8Array(stride);
  for (let x = 0; x < spec.width; x++) row.set(colour.slice(0, channels), 1 + x * channels);
  for (let y = 0; y < spec.height; y++) lines.set(row, y * stride);
  return encodePngScanlines(spec.width, spec.height, channels, lines, 6);
}

function rawRaster(spec: RenderSpec): Uint8Array {
  const channels = spec.transparent ? 4 : 3;
  const size = spec.width * spec.height * channels;
  const raw = new Uint8Array(new ArrayBuffer(Math.ceil(size / 4) * 4), 0, size);
  if (spec.kind === 'photo') {
    fillNoise(raw, spec.width * 65_537 + spec.height);
    return raw;
  }
  const colour = colourOf(spec);
  for (let i = 0; i < size; i += channels) raw.set(colour.slice(0, channels), i);
  return raw;
}

type SharpFactory = (
  input: Uint8Array,
  options: { raw: { width: number; height: number; channels: 3 | 4 } },
) => {
  jpeg(o: { quality: number }): { toBuffer(): Promise<Buffer> };
  webp(o: { quality: number; lossless?: boolean }): { toBuffer(): Promise<Buffer> };
};

let sharpFactory: SharpFactory | undefined;
function loadSharp(): SharpFactory {
  if (!sharpFactory) {
    const require = createRequire(import.meta.url);
    sharpFactory = require('sharp') as SharpFactory;
  }
  return sharpFactory;
}

async function encode(spec: RenderSpec): Promise<{ bytes: Buffer; mimeType: string }> {
  if (spec.format === 'png') return { bytes: pngBytes(spec), mimeType: 'image/png' };
  const sharp = loadSharp();
  const channels = spec.transparent ? 4 : 3;
  const pipeline = sharp(rawRaster(spec), { raw: { width: spec.width, height: spec.height, channels } });
  const quality = Math.max(1, Math.min(100, spec.quality ?? 90));
  if (spec.format === 'jpeg') return { bytes: await pipeline.jpeg({ quality }).toBuffer(), mimeType: 'image/jpeg' };
  return { bytes: await pipeline.webp({ quality }).toBuffer(), mimeType: 'image/webp' };
}

const MAX_CACHE_ENTRIES = 32;
const cache = new Map<string, Promise<RenderedImage>>();

function keyOf(spec: RenderSpec): string {
  const variant = spec.kind === 'photo' ? 0 : ((spec.variant % PALETTE.length) + PALETTE.length) % PALETTE.length;
  const quality = spec.format === 'png' ? '' : String(spec.quality ?? 90);
  return `${spec.kind}:${spec.width}x${spec.height}:${spec.format}:${spec.transparent ? 'a' : 'o'}:${variant}:${quality}`;
}

/** Renders (or returns the cached) image for a spec. */
export function renderImage(spec: RenderSpec): Promise<RenderedImage> {
  const key = keyOf(spec);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const pending = encode(spec).then(({ bytes, mimeType }) => {
    const base64 = bytes.toString('base64');
    return { bytes, mimeType, base64, base64Bytes: Buffer.from(base64, 'latin1') };
  });
  pending.catch(() => cache.delete(key));
  cache.set(key, pending);
  while (cache.size > MAX_CACHE_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  return pending;
}

/** Small stable hash of a prompt, used to pick a solid colour so different prompts differ visibly. */
export function promptVariant(prompt: string): number {
  let h = 2166136261;
  for (let i = 0; i < prompt.length; i++) {
    h ^= prompt.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % PALETTE.length;
}
