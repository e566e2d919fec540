/** Test helpers for the image tests: sharp (installed in packages/mcp-server) as an independent decoder. */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Raster } from '../src/image/raster.js';

// sharp's own types are not visible from packages/core; the tests use a small part of its chainable API.
// biome-ignore lint/suspicious/noExplicitAny: see above
type SharpFactory = (input?: unknown, options?: unknown) => any;

const require = createRequire(fileURLToPath(new URL('../../mcp-server/package.json', import.meta.url)));
export const sharp = require('sharp') as SharpFactory;

export interface Decoded {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
  format: string;
}

/** Decodes with sharp (libpng / libjpeg-turbo / libwebp) to raw RGBA. */
export async function decode(bytes: Uint8Array): Promise<Decoded> {
  const image = sharp(bytes, { failOn: 'error' });
  const meta = await image.metadata();
  const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    format: meta.format ?? 'unknown',
  };
}

/** A deterministic test raster: gradients, a hard-edged block, noise and (optionally) varying alpha. */
export function testRaster(width: number, height: number, alpha: boolean, seed = 1): Raster {
  const data = new Uint8Array(width * height * 4);
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const block = x > width / 3 && x < (2 * width) / 3 && y > height / 4 && y < height / 2;
      data[i] = block ? 250 : Math.floor((x * 255) / Math.max(1, width - 1));
      data[i + 1] = block ? 30 : Math.floor((y * 255) / Math.max(1, height - 1));
      data[i + 2] = y > (3 * height) / 4 ? Math.floor(rnd() * 256) : 128;
      data[i + 3] = alpha ? (x + y) % 256 : 255;
    }
  }
  return { width, height, data };
}

export function maxChannelDiff(a: Uint8Array, b: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

export function meanAbsDiff(a: Uint8Array, b: Uint8Array, channels = 4, skipAlpha = true): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (skipAlpha && channels === 4 && i % 4 === 3) continue;
    sum += Math.abs(a[i]! - b[i]!);
    count++;
  }
  return sum / Math.max(1, count);
}

/** Fast byte equality (vitest's deep equality is slow on megabyte arrays). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
