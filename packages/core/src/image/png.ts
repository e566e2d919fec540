/** A pure PNG encoder: 8-bit RGB or RGBA (whichever the pixels need), adaptive row filters, zlib. */
import { ByteSink } from './bits.js';
import { crc32 } from './checksum.js';
import { zlibCompress } from './deflate.js';
import { assertRaster, hasAlpha, type Raster } from './raster.js';

const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngOptions {
  /** Keep the alpha channel even when every pixel is opaque. */
  forceAlpha?: boolean;
}

export function encodePng(raster: Raster, options: PngOptions = {}): Uint8Array {
  assertRaster(raster, 0x7fffffff);
  const { width, height } = raster;
  const alpha = options.forceAlpha === true || hasAlpha(raster);
  const channels = alpha ? 4 : 3;
  const filtered = filterRows(raster, channels);
  const idat = zlibCompress(filtered);

  const sink = new ByteSink(idat.length + 128);
  sink.bytes(SIGNATURE);
  const ihdr = new Uint8Array(13);
  writeU32(ihdr, 0, width);
  writeU32(ihdr, 4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = alpha ? 6 : 2; // colour type: RGBA or RGB
  // compression, filter and interlace methods stay 0
  chunk(sink, 'IHDR', ihdr);
  chunk(sink, 'IDAT', idat);
  chunk(sink, 'IEND', new Uint8Array(0));
  return sink.result();
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function chunk(sink: ByteSink, type: string, data: Uint8Array): void {
  sink.u32be(data.length);
  const start = sink.pos;
  sink.ascii(type);
  sink.bytes(data);
  sink.u32be(crc32(sink.buf, 0, start, sink.pos));
}

/** Bytes sampled per row when choosing its filter (every SAMPLE_STEP-th byte): the choice barely changes, the cost drops. */
const SAMPLE_STEP = 5;

const abs8 = (v: number) => {
  const s = (v << 24) >> 24; // residual as a signed byte
  return s < 0 ? -s : s;
};

/**
 * Packs the pixels into scanlines (RGB or RGBA) and filters each with whichever of None, Sub, Up
 * and Paeth gives the smallest sum of absolute residuals (libpng's heuristic, on a sample of the row).
 */
function filterRows(raster: Raster, channels: number): Uint8Array {
  const { width, height, data } = raster;
  const stride = width * channels;
  const out = new Uint8Array((stride + 1) * height);
  let prevRow = new Uint8Array(stride);
  let row = new Uint8Array(stride);
  const bpp = channels;
  for (let y = 0; y < height; y++) {
    let src = y * width * 4;
    if (channels === 4) row.set(data.subarray(src, src + stride));
    else {
      for (let d = 0; d < stride; src += 4, d += 3) {
        row[d] = data[src]!;
        row[d + 1] = data[src + 1]!;
        row[d + 2] = data[src + 2]!;
      }
    }
    let sumNone = 0;
    let sumSub = 0;
    let sumUp = 0;
    let sumPaeth = 0;
    for (let i = 0; i < stride; i += SAMPLE_STEP) {
      const x = row[i]!;
      const a = i >= bpp ? row[i - bpp]! : 0;
      const b = prevRow[i]!;
      const c = i >= bpp ? prevRow[i - bpp]! : 0;
      sumNone += abs8(x);
      sumSub += abs8(x - a);
      sumUp += abs8(x - b);
      sumPaeth += abs8(x - paeth(a, b, c));
    }
    let filter = 0;
    let best = sumNone;
    if (sumSub < best) {
      filter = 1;
      best = sumSub;
    }
    if (sumUp < best) {
      filter = 2;
      best = sumUp;
    }
    if (sumPaeth < best) filter = 4;

    let o = y * (stride + 1);
    out[o++] = filter;
    if (filter === 0) out.set(row, o);
    else if (filter === 1) {
      for (let i = 0; i < bpp; i++) out[o + i] = row[i]!;
      for (let i = bpp; i < stride; i++) out[o + i] = row[i]! - row[i - bpp]!;
    } else if (filter === 2) {
      for (let i = 0; i < stride; i++) out[o + i] = row[i]! - prevRow[i]!;
    } else {
      for (let i = 0; i < bpp; i++) out[o + i] = row[i]! - prevRow[i]!;
      for (let i = bpp; i < stride; i++) out[o + i] = row[i]! - paeth(row[i - bpp]!, prevRow[i]!, prevRow[i - bpp]!);
    }
    const swap = prevRow;
    prevRow = row;
    row = swap;
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = p > a ? p - a : a - p;
  const pb = p > b ? p - b : b - p;
  const pc = p > c ? p - c : c - p;
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
