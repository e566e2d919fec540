/**
 * Growable byte output and an LSB-first bit writer (the bit order of DEFLATE and WebP lossless),
 * plus canonical Huffman code helpers shared by the encoders.
 */

export class ByteSink {
  buf: Uint8Array;
  pos = 0;
  constructor(initial = 1 << 16) {
    this.buf = new Uint8Array(Math.max(16, initial));
  }
  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  byte(b: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  u32be(v: number): void {
    this.ensure(4);
    this.buf[this.pos++] = (v >>> 24) & 0xff;
    this.buf[this.pos++] = (v >>> 16) & 0xff;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
  }
  u32le(v: number): void {
    this.ensure(4);
    this.buf[this.pos++] = v & 0xff;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = (v >>> 16) & 0xff;
    this.buf[this.pos++] = (v >>> 24) & 0xff;
  }
  ascii(s: string): void {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i) & 0xff;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** LSB-first bit writer. `write` takes at most 24 bits at a time. */
export class LsbBitWriter {
  private acc = 0;
  private count = 0;
  constructor(readonly sink: ByteSink) {}
  write(value: number, nbits: number): void {
    this.acc |= value << this.count;
    this.count += nbits;
    const sink = this.sink;
    if (sink.pos + 4 > sink.buf.length) sink.ensure(4);
    while (this.count >= 8) {
      sink.buf[sink.pos++] = this.acc & 0xff;
      this.acc >>>= 8;
      this.count -= 8;
    }
  }
  /** Pads with zero bits to the next byte boundary. */
  flush(): void {
    if (this.count > 0) {
      this.sink.byte(this.acc & 0xff);
      this.acc = 0;
      this.count = 0;
    }
  }
}

function reverseBits(code: number, len: number): number {
  let r = 0;
  for (let i = 0; i < len; i++) {
    r = (r << 1) | (code & 1);
    code >>>= 1;
  }
  return r;
}

/**
 * Canonical Huffman codes (RFC 1951 §3.2.2) from code lengths. `msbFirst` false returns the codes
 * bit-reversed, ready for an LSB-first writer.
 */
export function canonicalCodes(lengths: ArrayLike<number>, msbFirst = false): Uint32Array {
  let maxLen = 0;
  for (let i = 0; i < lengths.length; i++) maxLen = Math.max(maxLen, lengths[i]!);
  const blCount = new Uint32Array(maxLen + 1);
  for (let i = 0; i < lengths.length; i++) if (lengths[i]! > 0) blCount[lengths[i]!]!++;
  const next = new Uint32Array(maxLen + 2);
  let code = 0;
  for (let bits = 1; bits <= maxLen; bits++) {
    code = (code + blCount[bits - 1]!) << 1;
    next[bits] = code;
  }
  const codes = new Uint32Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i]!;
    if (len === 0) continue;
    const c = next[len]!++;
    codes[i] = msbFirst ? c : reverseBits(c, len);
  }
  return codes;
}

/**
 * Huffman code lengths for `freqs`, none longer than `maxLen`. Symbols with frequency 0 get length
 * 0. With a single used symbol it gets length 1 (callers decide how to write such a code). With two
 * or more the code is complete (Kraft sum exactly 1), which strict decoders require. Lengths are
 * limited as libwebp does it: raise small counts to a floor that doubles until the tree fits.
 */
export function huffmanLengths(freqs: ArrayLike<number>, maxLen: number): Uint8Array {
  const n = freqs.length;
  const lengths = new Uint8Array(n);
  const used: number[] = [];
  for (let i = 0; i < n; i++) if (freqs[i]! > 0) used.push(i);
  if (used.length === 0) return lengths;
  if (used.length === 1) {
    lengths[used[0]!] = 1;
    return lengths;
  }
  for (let floor = 1; ; floor *= 2) {
    const weights = used.map((s) => Math.max(freqs[s]!, floor));
    const depths = treeDepths(weights);
    let max = 0;
    for (const d of depths) max = Math.max(max, d);
    if (max <= maxLen) {
      for (let k = 0; k < used.length; k++) lengths[used[k]!] = depths[k]!;
      return lengths;
    }
  }
}

/** Depth of each leaf in a Huffman tree over `weights` (length ≥ 2), by the two-queue method. */
function treeDepths(weights: number[]): number[] {
  const m = weights.length;
  const order = weights.map((_, i) => i).sort((a, b) => weights[a]! - weights[b]! || a - b);
  // Nodes 0..m-1 are leaves (in sorted order), m.. are internal.
  const weight = new Float64Array(2 * m);
  const parent = new Int32Array(2 * m).fill(-1);
  for (let i = 0; i < m; i++) weight[i] = weights[order[i]!]!;
  let leaf = 0;
  let inner = m;
  let next = m;
  const take = (): number => {
    if (leaf < m && (inner >= next || weight[leaf]! <= weight[inner]!)) return leaf++;
    return inner++;
  };
  while (next < 2 * m - 1) {
    const a = take();
    const b = take();
    weight[next] = weight[a]! + weight[b]!;
    parent[a] = next;
    parent[b] = next;
    next++;
  }
  const depth = new Int32Array(2 * m);
  for (let i = 2 * m - 3; i >= 0; i--) depth[i] = depth[parent[i]!]! + 1;
  const out = new Array<number>(m);
  for (let i = 0; i < m; i++) out[order[i]!] = depth[i]!;
  return out;
}
