/**
 * A pure baseline JPEG encoder (JFIF, Huffman tables and quantisation tables of ITU T.81 Annex K,
 * the latter scaled by quality as libjpeg does). 4:2:0 chroma subsampling below quality 90, 4:4:4
 * from 90. Transparent pixels are composited over white (JPEG has no alpha).
 */
import { ByteSink } from './bits.js';
import { assertRaster, type Raster } from './raster.js';

const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
  55, 62, 63,
];

const STD_LUMA_Q = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51,
  87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
];

const STD_CHROMA_Q = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99,
];

interface HuffSpec {
  bits: number[]; // counts of codes of length 1..16
  values: number[];
}

const DC_LUMA: HuffSpec = {
  bits: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
  values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
};
const DC_CHROMA: HuffSpec = {
  bits: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
  values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
};
const AC_LUMA: HuffSpec = {
  bits: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  values: [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14,
    0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09,
    0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a,
    0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65,
    0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88,
    0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9,
    0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca,
    0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea,
    0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};
const AC_CHROMA: HuffSpec = {
  bits: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  values: [
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32,
    0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16,
    0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39,
    0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64,
    0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86,
    0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
    0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8,
    0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9,
    0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};

/** Code (MSB-first) and length per symbol value. */
interface HuffTable {
  code: Uint16Array;
  size: Uint8Array;
}

function buildTable(spec: HuffSpec): HuffTable {
  const code = new Uint16Array(256);
  const size = new Uint8Array(256);
  let c = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let j = 0; j < spec.bits[len - 1]!; j++) {
      const v = spec.values[k++]!;
      code[v] = c++;
      size[v] = len;
    }
    c <<= 1;
  }
  return { code, size };
}

function scaledTable(base: number[], quality: number): Uint8Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - q * 2;
  const out = new Uint8Array(64);
  for (let i = 0; i < 64; i++) out[i] = Math.min(255, Math.max(1, Math.floor((base[i]! * scale + 50) / 100)));
  return out;
}

/** cos((2x+1)uπ/16) · C(u)/2, for the separable DCT. */
const DCT = (() => {
  const m = new Float64Array(64);
  for (let u = 0; u < 8; u++) {
    const cu = u === 0 ? Math.SQRT1_2 : 1;
    for (let x = 0; x < 8; x++) m[u * 8 + x] = (cu / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  }
  return m;
})();

/** MSB-first bit writer with JPEG byte stuffing (0xFF → FF 00). */
class JpegBits {
  private acc = 0;
  private count = 0;
  constructor(private readonly sink: ByteSink) {}
  write(value: number, nbits: number): void {
    if (nbits === 0) return;
    this.acc = (this.acc << nbits) | (value & ((1 << nbits) - 1));
    this.count += nbits;
    const sink = this.sink;
    if (sink.pos + 8 > sink.buf.length) sink.ensure(8);
    while (this.count >= 8) {
      const byte = (this.acc >>> (this.count - 8)) & 0xff;
      sink.buf[sink.pos++] = byte;
      if (byte === 0xff) sink.buf[sink.pos++] = 0;
      this.count -= 8;
    }
    this.acc &= (1 << this.count) - 1;
  }
  flush(): void {
    if (this.count > 0) this.write((1 << (8 - this.count)) - 1, 8 - this.count);
  }
}

class BlockCoder {
  private readonly tmp = new Float64Array(64);
  private readonly coef = new Float64Array(64);
  constructor(
    private readonly bits: JpegBits,
    private readonly quant: Uint8Array, // natural order
    private readonly dc: HuffTable,
    private readonly ac: HuffTable,
  ) {}
  pred = 0;

  /** Encodes one 8×8 block of samples (natural order, level-shifted). */
  encode(block: Float64Array): void {
    const tmp = this.tmp;
    const coef = this.coef;
    // rows
    for (let y = 0; y < 8; y++) {
      for (let u = 0; u < 8; u++) {
        let s = 0;
        for (let x = 0; x < 8; x++) s += DCT[u * 8 + x]! * block[y * 8 + x]!;
        tmp[y * 8 + u] = s;
      }
    }
    // columns
    for (let u = 0; u < 8; u++) {
      for (let v = 0; v < 8; v++) {
        let s = 0;
        for (let y = 0; y < 8; y++) s += DCT[v * 8 + y]! * tmp[y * 8 + u]!;
        coef[v * 8 + u] = s;
      }
    }
    const bits = this.bits;
    const q = this.quant;
    const dcVal = Math.round(coef[0]! / q[0]!);
    const diff = dcVal - this.pred;
    this.pred = dcVal;
    this.writeValue(diff, this.dc, 0);
    let run = 0;
    for (let k = 1; k < 64; k++) {
      const n = ZIGZAG[k]!;
      const v = Math.round(coef[n]! / q[n]!);
      if (v === 0) {
        run++;
        continue;
      }
      while (run > 15) {
        bits.write(this.ac.code[0xf0]!, this.ac.size[0xf0]!);
        run -= 16;
      }
      this.writeValue(v, this.ac, run << 4);
      run = 0;
    }
    if (run > 0) bits.write(this.ac.code[0]!, this.ac.size[0]!);
  }

  private writeValue(v: number, table: HuffTable, runBits: number): void {
    const abs = v < 0 ? -v : v;
    let cat = 0;
    while (abs >> cat) cat++;
    const sym = runBits | cat;
    this.bits.write(table.code[sym]!, table.size[sym]!);
    if (cat > 0) this.bits.write(v < 0 ? v + (1 << cat) - 1 : v, cat);
  }
}

/** Encodes a raster as a baseline JPEG. `quality` 1–100 (libjpeg's scale), default 90. */
export function encodeJpeg(raster: Raster, quality = 90): Uint8Array {
  assertRaster(raster, 65535);
  const { width, height, data } = raster;
  const q = Math.min(100, Math.max(1, Math.round(Number.isFinite(quality) ? quality : 90)));
  const subsample = q < 90;
  const lumaQ = scaledTable(STD_LUMA_Q, q);
  const chromaQ = scaledTable(STD_CHROMA_Q, q);

  const sink = new ByteSink(Math.max(4096, (width * height) >>> 2));
  const marker = (m: number) => {
    sink.byte(0xff);
    sink.byte(m);
  };
  const u16 = (v: number) => {
    sink.byte((v >>> 8) & 0xff);
    sink.byte(v & 0xff);
  };
  marker(0xd8);
  // APP0 JFIF 1.01, no thumbnail
  marker(0xe0);
  u16(16);
  sink.ascii('JFIF\0');
  sink.bytes(new Uint8Array([1, 1, 0, 0, 1, 0, 1, 0, 0]));
  // DQT
  marker(0xdb);
  u16(2 + 2 * 65);
  for (const [id, table] of [
    [0, lumaQ],
    [1, chromaQ],
  ] as const) {
    sink.byte(id);
    for (let k = 0; k < 64; k++) sink.byte(table[ZIGZAG[k]!]!);
  }
  // SOF0
  marker(0xc0);
  u16(8 + 3 * 3);
  sink.byte(8);
  u16(height);
  u16(width);
  sink.byte(3);
  sink.bytes(new Uint8Array([1, subsample ? 0x22 : 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]));
  // DHT
  const specs: Array<[number, HuffSpec]> = [
    [0x00, DC_LUMA],
    [0x10, AC_LUMA],
    [0x01, DC_CHROMA],
    [0x11, AC_CHROMA],
  ];
  marker(0xc4);
  u16(2 + specs.reduce((n, [, s]) => n + 17 + s.values.length, 0));
  for (const [cls, spec] of specs) {
    sink.byte(cls);
    for (const b of spec.bits) sink.byte(b);
    for (const v of spec.values) sink.byte(v);
  }
  // SOS
  marker(0xda);
  u16(6 + 2 * 3);
  sink.byte(3);
  sink.bytes(new Uint8Array([1, 0x00, 2, 0x11, 3, 0x11]));
  sink.bytes(new Uint8Array([0, 63, 0]));

  const bits = new JpegBits(sink);
  const dcL = buildTable(DC_LUMA);
  const acL = buildTable(AC_LUMA);
  const dcC = buildTable(DC_CHROMA);
  const acC = buildTable(AC_CHROMA);
  const yCoder = new BlockCoder(bits, lumaQ, dcL, acL);
  const cbCoder = new BlockCoder(bits, chromaQ, dcC, acC);
  const crCoder = new BlockCoder(bits, chromaQ, dcC, acC);

  const mcu = subsample ? 16 : 8;
  // Level-shifted Y, Cb, Cr for one MCU (edge pixels replicated).
  const Y = new Float64Array(mcu * mcu);
  const Cb = new Float64Array(mcu * mcu);
  const Cr = new Float64Array(mcu * mcu);
  const block = new Float64Array(64);

  for (let my = 0; my < height; my += mcu) {
    for (let mx = 0; mx < width; mx += mcu) {
      for (let y = 0; y < mcu; y++) {
        const sy = Math.min(height - 1, my + y);
        for (let x = 0; x < mcu; x++) {
          const sx = Math.min(width - 1, mx + x);
          const i = (sy * width + sx) * 4;
          let r = data[i]!;
          let g = data[i + 1]!;
          let b = data[i + 2]!;
          const a = data[i + 3]!;
          if (a !== 255) {
            const t = a / 255;
            r = r * t + 255 * (1 - t);
            g = g * t + 255 * (1 - t);
            b = b * t + 255 * (1 - t);
          }
          const k = y * mcu + x;
          Y[k] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
          Cb[k] = -0.168736 * r - 0.331264 * g + 0.5 * b;
          Cr[k] = 0.5 * r - 0.418688 * g - 0.081312 * b;
        }
      }
      if (subsample) {
        for (const [bx, by] of [
          [0, 0],
          [8, 0],
          [0, 8],
          [8, 8],
        ] as const) {
          for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) block[y * 8 + x] = Y[(by + y) * 16 + bx + x]!;
          yCoder.encode(block);
        }
        for (const [plane, coder] of [
          [Cb, cbCoder],
          [Cr, crCoder],
        ] as const) {
          for (let y = 0; y < 8; y++) {
            for (let x = 0; x < 8; x++) {
              const k = y * 32 + x * 2;
              block[y * 8 + x] = (plane[k]! + plane[k + 1]! + plane[k + 16]! + plane[k + 17]!) / 4;
            }
          }
          coder.encode(block);
        }
      } else {
        yCoder.encode(Y);
        cbCoder.encode(Cb);
        crCoder.encode(Cr);
      }
    }
  }
  bits.flush();
  marker(0xd9);
  return sink.result();
}
