import { describe, expect, it } from 'vitest';
import { adler32, crc32 } from '../src/image/checksum.js';
import { zlibCompress } from '../src/image/deflate.js';
import { encodePng } from '../src/image/png.js';
import { readImageSize, sniffImageType } from '../src/image/sniff.js';
import { inflateSync } from 'node:zlib';
import { decode, sameBytes, testRaster } from './image-helpers.js';

describe('checksums', () => {
  it('crc32 and adler32 match the published check values', () => {
    const text = new TextEncoder().encode('123456789');
    expect(crc32(text)).toBe(0xcbf43926);
    expect(adler32(new TextEncoder().encode('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(new Uint8Array(0))).toBe(1);
  });
});

describe('zlibCompress', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['one byte', new Uint8Array([7])],
    ['two bytes', new Uint8Array([7, 7])],
    ['runs', new Uint8Array(300_000).map((_, i) => (i >> 12) & 0xff)],
    ['text', new TextEncoder().encode('the quick brown fox jumps over the lazy dog. '.repeat(2000))],
    ['noise', new Uint8Array(200_000).map((_, i) => (Math.imul(i, 2654435761) >>> 13) & 0xff)],
  ];
  for (const [name, data] of cases) {
    it(`round-trips through zlib's inflate: ${name}`, () => {
      const packed = zlibCompress(data);
      expect(sameBytes(new Uint8Array(inflateSync(packed)), data)).toBe(true);
    });
  }
  it('compresses repetitive data well', () => {
    const data = new TextEncoder().encode('abcabcabd'.repeat(10000));
    expect(zlibCompress(data).length).toBeLessThan(data.length / 50);
  });
});

describe('encodePng', () => {
  it('writes RGB when every pixel is opaque, and sharp decodes it exactly', async () => {
    const raster = testRaster(97, 61, false);
    const png = encodePng(raster);
    expect(png[25]).toBe(2); // colour type RGB
    expect(sniffImageType(png)).toEqual({ mimeType: 'image/png', extension: 'png' });
    expect(readImageSize(png)).toEqual({ width: 97, height: 61 });
    const out = await decode(png);
    expect([out.width, out.height]).toEqual([97, 61]);
    expect(sameBytes(out.data, raster.data)).toBe(true);
  });

  it('writes RGBA when alpha is used, exact round-trip', async () => {
    const raster = testRaster(300, 200, true, 9);
    const png = encodePng(raster);
    expect(png[25]).toBe(6);
    const out = await decode(png);
    expect(sameBytes(out.data, raster.data)).toBe(true);
  });

  it('handles a 1x1 image and a wide strip', async () => {
    for (const [w, h] of [
      [1, 1],
      [1000, 2],
      [3, 700],
    ] as const) {
      const raster = testRaster(w, h, true, w + h);
      const out = await decode(encodePng(raster));
      expect([out.width, out.height]).toEqual([w, h]);
      expect(sameBytes(out.data, raster.data)).toBe(true);
    }
  });

  it('rejects a raster whose data does not match its size', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(15) })).toThrow(/16 RGBA bytes/);
    expect(() => encodePng({ width: 0, height: 2, data: new Uint8Array(0) })).toThrow(/positive integers/);
  });
});
