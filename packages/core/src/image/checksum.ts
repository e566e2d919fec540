/** CRC-32 (IEEE 802.3, as PNG uses it) and Adler-32 (as zlib uses it), over Uint8Array. */

let crcTable: Uint32Array | undefined;

function table(): Uint32Array {
  if (crcTable) return crcTable;
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  crcTable = t;
  return t;
}

/** Continues a CRC-32 (start with 0) over bytes[start, end). */
export function crc32(bytes: Uint8Array, previous = 0, start = 0, end = bytes.length): number {
  const t = table();
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = start; i < end; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  const len = bytes.length;
  let i = 0;
  while (i < len) {
    // Reducing every 1024 bytes keeps a and b small integers (V8 small ints, no heap numbers).
    const end = Math.min(i + 1024, len);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
