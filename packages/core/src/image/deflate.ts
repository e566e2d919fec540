/**
 * A small, fast DEFLATE (RFC 1951) compressor inside a zlib stream (RFC 1950): greedy LZ77 over a
 * 32 KiB window with hash chains, then dynamic Huffman blocks. Pure TypeScript, no Node imports.
 */
import { adler32 } from './checksum.js';
import { ByteSink, canonicalCodes, huffmanLengths, LsbBitWriter } from './bits.js';

const WSIZE = 1 << 15;
const WMASK = WSIZE - 1;
const HBITS = 15;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
const BLOCK_TOKENS = 1 << 16;

const LBASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
];
const LEXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DBASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
  8193, 12289, 16385, 24577,
];
const DEXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

let tables: { lenSym: Uint8Array; distSym: Uint8Array } | undefined;

function lookup(): { lenSym: Uint8Array; distSym: Uint8Array } {
  if (tables) return tables;
  const lenSym = new Uint8Array(MAX_MATCH + 1);
  for (let code = 0; code < LBASE.length; code++) {
    const base = LBASE[code]!;
    const span = code === LBASE.length - 1 ? 1 : 1 << LEXTRA[code]!;
    for (let l = base; l < base + span && l <= MAX_MATCH; l++) lenSym[l] = code;
  }
  const distSym = new Uint8Array(WSIZE + 1);
  for (let code = 0; code < DBASE.length; code++) {
    const base = DBASE[code]!;
    for (let d = base; d < base + (1 << DEXTRA[code]!) && d <= WSIZE; d++) distSym[d] = code;
  }
  tables = { lenSym, distSym };
  return tables;
}

export interface DeflateOptions {
  /** Hash-chain candidates tried per position. Default 16. */
  maxChain?: number;
}

/** Compresses `data` into a complete zlib stream (header, DEFLATE blocks, Adler-32). */
export function zlibCompress(data: Uint8Array, options: DeflateOptions = {}): Uint8Array {
  const sink = new ByteSink((data.length >>> 2) + 1024);
  sink.byte(0x78);
  sink.byte(0x01);
  const bw = new LsbBitWriter(sink);
  deflateInto(data, bw, options.maxChain ?? 16);
  bw.flush();
  sink.u32be(adler32(data));
  return sink.result();
}

function deflateInto(data: Uint8Array, bw: LsbBitWriter, maxChain: number): void {
  const { lenSym, distSym } = lookup();
  const n = data.length;
  const head = new Int32Array(1 << HBITS).fill(-1);
  const prev = new Int32Array(WSIZE);
  const tokLen = new Uint16Array(BLOCK_TOKENS);
  const tokVal = new Uint16Array(BLOCK_TOKENS);
  let ntok = 0;
  const hashAt = (i: number) =>
    Math.imul(data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16), 0x1e35a7bd) >>> (32 - HBITS);
  const insert = (i: number) => {
    const h = hashAt(i);
    prev[i & WMASK] = head[h]!;
    head[h] = i;
  };

  let i = 0;
  while (i < n) {
    let bestLen = 0;
    let bestDist = 0;
    if (i + MIN_MATCH <= n) {
      const h = hashAt(i);
      let cand = head[h]!;
      const limit = Math.min(MAX_MATCH, n - i);
      let chain = maxChain;
      while (cand >= 0 && i - cand <= WSIZE && chain-- > 0) {
        if (data[cand + bestLen] === data[i + bestLen] && data[cand] === data[i]) {
          let l = 0;
          while (l < limit && data[cand + l] === data[i + l]) l++;
          if (l > bestLen) {
            bestLen = l;
            bestDist = i - cand;
            if (l >= limit) break;
          }
        }
        const next = prev[cand & WMASK]!;
        if (next >= cand) break;
        cand = next;
      }
      prev[i & WMASK] = head[h]!;
      head[h] = i;
    }
    if (bestLen >= MIN_MATCH) {
      tokLen[ntok] = bestLen;
      tokVal[ntok] = bestDist;
      ntok++;
      // Index the positions inside the match; for long matches only the tail (recent positions
      // matter most for runs, and skipping the rest is what keeps long runs fast).
      const end = Math.min(i + bestLen, n - MIN_MATCH + 1);
      for (let j = bestLen > 32 ? Math.max(i + 1, end - 16) : i + 1; j < end; j++) insert(j);
      i += bestLen;
    } else {
      tokLen[ntok] = 0;
      tokVal[ntok] = data[i]!;
      ntok++;
      i++;
    }
    if (ntok === BLOCK_TOKENS) {
      writeBlock(bw, tokLen, tokVal, ntok, i >= n, lenSym, distSym);
      ntok = 0;
    }
  }
  if (ntok > 0 || n === 0) writeBlock(bw, tokLen, tokVal, ntok, true, lenSym, distSym);
}

function writeBlock(
  bw: LsbBitWriter,
  tokLen: Uint16Array,
  tokVal: Uint16Array,
  ntok: number,
  final: boolean,
  lenSym: Uint8Array,
  distSym: Uint8Array,
): void {
  const litFreq = new Uint32Array(286);
  const distFreq = new Uint32Array(30);
  for (let t = 0; t < ntok; t++) {
    const len = tokLen[t]!;
    if (len === 0) litFreq[tokVal[t]!]!++;
    else {
      litFreq[257 + lenSym[len]!]!++;
      distFreq[distSym[tokVal[t]!]!]!++;
    }
  }
  litFreq[256] = 1;
  ensureTwo(litFreq);
  ensureTwo(distFreq);
  const litLens = huffmanLengths(litFreq, 15);
  const distLens = huffmanLengths(distFreq, 15);
  const litCodes = canonicalCodes(litLens);
  const distCodes = canonicalCodes(distLens);

  let nlit = 286;
  while (nlit > 257 && litLens[nlit - 1] === 0) nlit--;
  let ndist = 30;
  while (ndist > 1 && distLens[ndist - 1] === 0) ndist--;
  const all = new Uint8Array(nlit + ndist);
  all.set(litLens.subarray(0, nlit));
  all.set(distLens.subarray(0, ndist), nlit);
  const rle = runLengthCodes(all);
  const clFreq = new Uint32Array(19);
  for (const [sym] of rle) clFreq[sym]!++;
  ensureTwo(clFreq);
  const clLens = huffmanLengths(clFreq, 7);
  const clCodes = canonicalCodes(clLens);
  let ncl = 19;
  while (ncl > 4 && clLens[CL_ORDER[ncl - 1]!] === 0) ncl--;

  bw.write(final ? 1 : 0, 1);
  bw.write(2, 2);
  bw.write(nlit - 257, 5);
  bw.write(ndist - 1, 5);
  bw.write(ncl - 4, 4);
  for (let k = 0; k < ncl; k++) bw.write(clLens[CL_ORDER[k]!]!, 3);
  for (const [sym, extra] of rle) {
    bw.write(clCodes[sym]!, clLens[sym]!);
    if (sym === 16) bw.write(extra, 2);
    else if (sym === 17) bw.write(extra, 3);
    else if (sym === 18) bw.write(extra, 7);
  }

  for (let t = 0; t < ntok; t++) {
    const len = tokLen[t]!;
    if (len === 0) {
      const lit = tokVal[t]!;
      bw.write(litCodes[lit]!, litLens[lit]!);
    } else {
      const lc = lenSym[len]!;
      bw.write(litCodes[257 + lc]!, litLens[257 + lc]!);
      if (LEXTRA[lc]! > 0) bw.write(len - LBASE[lc]!, LEXTRA[lc]!);
      const dist = tokVal[t]!;
      const dc = distSym[dist]!;
      bw.write(distCodes[dc]!, distLens[dc]!);
      if (DEXTRA[dc]! > 0) bw.write(dist - DBASE[dc]!, DEXTRA[dc]!);
    }
  }
  bw.write(litCodes[256]!, litLens[256]!);
}

/** Gives a code at least two used symbols, so it is complete (some inflaters reject incomplete codes). */
export function ensureTwo(freq: Uint32Array): void {
  let used = 0;
  for (let k = 0; k < freq.length; k++) if (freq[k]! > 0) used++;
  for (let k = 0; used < 2 && k < freq.length; k++) {
    if (freq[k] === 0) {
      freq[k] = 1;
      used++;
    }
  }
}

/**
 * Run-length codes for a sequence of code lengths, DEFLATE / VP8L style: 0–15 literal, 16 repeats
 * the previous length 3–6 times, 17 writes 3–10 zeros, 18 writes 11–138 zeros. Returns [symbol,
 * extra-bits value] pairs. The formats differ on what 16 repeats: DEFLATE repeats the last length
 * written (zeros included; none at the start), VP8L the last non-zero one (8 at the start).
 */
export function runLengthCodes(lens: Uint8Array, format: 'deflate' | 'vp8l' = 'deflate'): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let prevLen = format === 'vp8l' ? 8 : -1;
  let i = 0;
  while (i < lens.length) {
    const v = lens[i]!;
    let run = 1;
    while (i + run < lens.length && lens[i + run] === v) run++;
    i += run;
    if (v === 0) {
      let left = run;
      while (left >= 11) {
        const take = Math.min(138, left);
        out.push([18, take - 11]);
        left -= take;
      }
      if (left >= 3) {
        out.push([17, left - 3]);
        left = 0;
      }
      for (; left > 0; left--) out.push([0, 0]);
      if (format === 'deflate') prevLen = 0;
      continue;
    }
    let left = run;
    if (v !== prevLen) {
      out.push([v, 0]);
      left--;
      prevLen = v;
    }
    while (left >= 3) {
      const take = Math.min(6, left);
      out.push([16, take - 3]);
      left -= take;
    }
    for (; left > 0; left--) out.push([v, 0]);
  }
  return out;
}
