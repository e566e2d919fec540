/**
 * A pure lossless WebP (VP8L) encoder. No transforms and no colour cache: pixels are coded as
 * literals or as backward references to the pixel on the left or above (runs), with five Huffman
 * codes built from the image's own statistics. Decodes in libwebp (and so in browsers and sharp).
 */
import { ByteSink, canonicalCodes, huffmanLengths, LsbBitWriter } from './bits.js';
import { ensureTwo, runLengthCodes } from './deflate.js';
import { assertRaster, hasAlpha, type Raster } from './raster.js';

const MAX_SIDE = 16384;
const MAX_LENGTH = 4096;
const MIN_RUN = 3;
const NUM_LENGTH_CODES = 24;
const NUM_DISTANCE_CODES = 40;
const CODE_LENGTH_ORDER = [17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
/** Distance codes for the 2-D neighbourhood: 1 = the pixel above (0,1), 2 = the pixel to the left (1,0). */
const CODE_ABOVE = 1;
const CODE_LEFT = 2;

/** VP8L prefix coding of a value ≥ 1: [prefix symbol, extra bit count, extra bits]. */
function prefixEncode(value: number): [number, number, number] {
  const d = value - 1;
  if (d < 4) return [d, 0, 0];
  const h = 31 - Math.clz32(d);
  const second = (d >>> (h - 1)) & 1;
  const extraBits = h - 1;
  return [2 * h + second, extraBits, d & ((1 << extraBits) - 1)];
}

interface Code {
  lengths: Uint8Array;
  codes: Uint32Array;
  /** Written as a one-symbol "simple" code: its symbol costs no bits. */
  single: boolean;
}

function buildCode(freq: Uint32Array): Code {
  let used = 0;
  let only = 0;
  for (let i = 0; i < freq.length; i++)
    if (freq[i]! > 0) {
      used++;
      only = i;
    }
  if (used <= 1 && only < 256) {
    const lengths = new Uint8Array(freq.length);
    return { lengths, codes: new Uint32Array(freq.length), single: true };
  }
  ensureTwo(freq);
  const lengths = huffmanLengths(freq, 15);
  return { lengths, codes: canonicalCodes(lengths), single: false };
}

function writeCode(bw: LsbBitWriter, code: Code, freq: Uint32Array): void {
  if (code.single) {
    let symbol = 0;
    for (let i = 0; i < freq.length; i++) if (freq[i]! > 0) symbol = i;
    bw.write(1, 1); // simple code
    bw.write(0, 1); // one symbol
    if (symbol < 2) {
      bw.write(0, 1);
      bw.write(symbol, 1);
    } else {
      bw.write(1, 1);
      bw.write(symbol, 8);
    }
    return;
  }
  bw.write(0, 1); // normal code
  const rle = runLengthCodes(code.lengths, 'vp8l');
  const clFreq = new Uint32Array(19);
  for (const [sym] of rle) clFreq[sym]!++;
  ensureTwo(clFreq);
  const clLens = huffmanLengths(clFreq, 7);
  const clCodes = canonicalCodes(clLens);
  let count = 19;
  while (count > 4 && clLens[CODE_LENGTH_ORDER[count - 1]!] === 0) count--;
  bw.write(count - 4, 4);
  for (let k = 0; k < count; k++) bw.write(clLens[CODE_LENGTH_ORDER[k]!]!, 3);
  bw.write(0, 1); // max_symbol: the whole alphabet
  for (const [sym, extra] of rle) {
    bw.write(clCodes[sym]!, clLens[sym]!);
    if (sym === 16) bw.write(extra, 2);
    else if (sym === 17) bw.write(extra, 3);
    else if (sym === 18) bw.write(extra, 7);
  }
}

export function encodeWebp(raster: Raster): Uint8Array {
  assertRaster(raster, MAX_SIDE);
  const { width, height, data } = raster;
  const n = width * height;
  const alpha = hasAlpha(raster);
  const argb = new Uint32Array(n);
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    argb[p] = ((data[i + 3]! << 24) | (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!) >>> 0;
  }

  // Tokens: run length 0 = literal pixel p; otherwise a reference (length, distance code).
  const tokLen = new Uint16Array(n);
  const tokDist = new Uint8Array(n);
  let ntok = 0;
  const green = new Uint32Array(256 + NUM_LENGTH_CODES);
  const red = new Uint32Array(256);
  const blue = new Uint32Array(256);
  const alphaFreq = new Uint32Array(256);
  const dist = new Uint32Array(NUM_DISTANCE_CODES);
  const litPos = new Uint32Array(n);
  let p = 0;
  while (p < n) {
    let best = 0;
    let bestCode = 0;
    const limit = Math.min(MAX_LENGTH, n - p);
    if (p >= 1) {
      let l = 0;
      while (l < limit && argb[p + l] === argb[p - 1 + l]) l++;
      best = l;
      bestCode = CODE_LEFT;
    }
    if (p >= width && best < limit) {
      let l = 0;
      while (l < limit && argb[p + l] === argb[p - width + l]) l++;
      if (l > best) {
        best = l;
        bestCode = CODE_ABOVE;
      }
    }
    if (best >= MIN_RUN) {
      tokLen[ntok] = best;
      tokDist[ntok] = bestCode;
      litPos[ntok] = p;
      ntok++;
      green[256 + prefixEncode(best)[0]]!++;
      dist[prefixEncode(bestCode)[0]]!++;
      p += best;
    } else {
      const c = argb[p]!;
      tokLen[ntok] = 0;
      litPos[ntok] = p;
      ntok++;
      green[(c >>> 8) & 0xff]!++;
      red[(c >>> 16) & 0xff]!++;
      blue[c & 0xff]!++;
      alphaFreq[c >>> 24]!++;
      p++;
    }
  }

  const codes = [buildCode(green), buildCode(red), buildCode(blue), buildCode(alphaFreq), buildCode(dist)] as const;
  const freqs = [green, red, blue, alphaFreq, dist] as const;

  const sink = new ByteSink((n >>> 1) + 1024);
  sink.ascii('RIFF');
  sink.u32le(0); // patched below
  sink.ascii('WEBPVP8L');
  sink.u32le(0); // patched below
  const start = sink.pos;
  const bw = new LsbBitWriter(sink);
  bw.write(0x2f, 8);
  bw.write(width - 1, 14);
  bw.write(height - 1, 14);
  bw.write(alpha ? 1 : 0, 1);
  bw.write(0, 3); // version
  bw.write(0, 1); // no transform
  bw.write(0, 1); // no colour cache
  bw.write(0, 1); // no meta Huffman codes
  for (let k = 0; k < 5; k++) writeCode(bw, codes[k]!, freqs[k]!);

  const [g, r, b, a, d] = codes;
  for (let t = 0; t < ntok; t++) {
    const len = tokLen[t]!;
    if (len === 0) {
      const c = argb[litPos[t]!]!;
      const gs = (c >>> 8) & 0xff;
      const rs = (c >>> 16) & 0xff;
      const bs = c & 0xff;
      const as = c >>> 24;
      if (!g.single) bw.write(g.codes[gs]!, g.lengths[gs]!);
      if (!r.single) bw.write(r.codes[rs]!, r.lengths[rs]!);
      if (!b.single) bw.write(b.codes[bs]!, b.lengths[bs]!);
      if (!a.single) bw.write(a.codes[as]!, a.lengths[as]!);
    } else {
      const [ls, lBits, lExtra] = prefixEncode(len);
      bw.write(g.codes[256 + ls]!, g.lengths[256 + ls]!);
      if (lBits > 0) bw.write(lExtra, lBits);
      const [ds] = prefixEncode(tokDist[t]!);
      if (!d.single) bw.write(d.codes[ds]!, d.lengths[ds]!);
    }
  }
  bw.flush();
  const chunkSize = sink.pos - start;
  if (chunkSize & 1) sink.byte(0);
  const out = sink.result();
  const put = (at: number, v: number) => {
    out[at] = v & 0xff;
    out[at + 1] = (v >>> 8) & 0xff;
    out[at + 2] = (v >>> 16) & 0xff;
    out[at + 3] = (v >>> 24) & 0xff;
  };
  put(4, out.length - 8);
  put(16, chunkSize);
  return out;
}
