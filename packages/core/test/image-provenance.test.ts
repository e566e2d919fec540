import { describe, expect, it } from 'vitest';
import { encodeJpeg, encodePng, encodeWebp } from '../src/image/index.js';
import { detectProvenance, ProvenanceScanner } from '../src/image/provenance.js';

const raster = { width: 4, height: 4, data: new Uint8Array(4 * 4 * 4).fill(200) };

function u32be(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** A PNG chunk (CRC not checked by the detector) inserted after IHDR. */
function withPngChunk(png: Uint8Array, type: string, data: number[]): Uint8Array {
  const at = 8 + 8 + 13 + 4;
  const chunk = [...u32be(data.length), ...ascii(type), ...data, 0, 0, 0, 0];
  return new Uint8Array([...png.subarray(0, at), ...chunk, ...png.subarray(at)]);
}

function jumbf(label: string): number[] {
  const jumd = [...ascii('jumd'), ...new Array(16).fill(0), 0x03, ...ascii(label), 0];
  const box = [...u32be(8 + 4 + jumd.length), ...ascii('jumb'), ...u32be(4 + jumd.length), ...jumd];
  return [...ascii('JP'), 0, 1, 0, 0, 0, 1, ...box];
}

function withApp11(jpeg: Uint8Array, payload: number[]): Uint8Array {
  const length = payload.length + 2;
  return new Uint8Array([0xff, 0xd8, 0xff, 0xeb, length >> 8, length & 0xff, ...payload, ...jpeg.subarray(2)]);
}

function withWebpChunk(webp: Uint8Array, type: string, data: number[]): Uint8Array {
  const size = data.length;
  const chunk = [...ascii(type), size & 0xff, (size >> 8) & 0xff, 0, 0, ...data, ...(size & 1 ? [0] : [])];
  const out = new Uint8Array([...webp, ...chunk]);
  new DataView(out.buffer).setUint32(4, out.length - 8, true);
  return out;
}

describe('detectProvenance', () => {
  it('PNG: caBX chunk', () => {
    const png = encodePng(raster);
    expect(detectProvenance(png)).toBe('none');
    expect(detectProvenance(withPngChunk(png, 'caBX', jumbf('c2pa')))).toBe('c2pa');
    expect(detectProvenance(withPngChunk(png, 'tEXt', ascii('caBX c2pa')))).toBe('none');
  });

  it('JPEG: APP11 JUMBF labelled c2pa', () => {
    const jpeg = encodeJpeg(raster, 80);
    expect(detectProvenance(jpeg)).toBe('none');
    expect(detectProvenance(withApp11(jpeg, jumbf('c2pa')))).toBe('c2pa');
    expect(detectProvenance(withApp11(jpeg, jumbf('xmp1')))).toBe('none');
  });

  it('WebP: C2PA chunk', () => {
    const webp = encodeWebp(raster);
    expect(detectProvenance(webp)).toBe('none');
    expect(detectProvenance(withWebpChunk(webp, 'C2PA', jumbf('c2pa')))).toBe('c2pa');
  });

  it('anything else, truncated or garbage: none', () => {
    expect(detectProvenance(new Uint8Array())).toBe('none');
    expect(detectProvenance(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xff]))).toBe('none');
    expect(detectProvenance(new Uint8Array([0xff, 0xd8, 0xff, 0xeb, 0xff]))).toBe('none');
    expect(detectProvenance(new TextEncoder().encode('GIF89a caBX c2pa'))).toBe('none');
  });
});

describe('ProvenanceScanner', () => {
  it('gives the same verdict as detectProvenance however the bytes are cut into pieces', () => {
    const png = encodePng(raster);
    const jpeg = encodeJpeg(raster, 80);
    const webp = encodeWebp(raster);
    const images = [
      png,
      withPngChunk(png, 'caBX', jumbf('c2pa')),
      jpeg,
      withApp11(jpeg, jumbf('c2pa')),
      withApp11(jpeg, jumbf('xmp1')),
      // Fill bytes before a marker, then the signed segment.
      new Uint8Array([0xff, 0xd8, 0xff, 0xff, ...withApp11(jpeg, jumbf('c2pa')).subarray(2)]),
      webp,
      withWebpChunk(webp, 'C2PA', jumbf('c2pa')),
      new Uint8Array([0xff, 0xd8, 0xff, 0xeb, 0xff]),
      new Uint8Array(),
    ];
    for (const image of images) {
      const expected = detectProvenance(image);
      for (const size of [1, 2, 3, 5, 7, 16, 64, 1000]) {
        const scanner = new ProvenanceScanner();
        for (let at = 0; at < image.length; at += size) scanner.push(image.subarray(at, at + size));
        expect(scanner.finish(), `image ${images.indexOf(image)} in pieces of ${size}`).toBe(expected);
      }
    }
    expect(images.map((image) => detectProvenance(image))).toEqual([
      'none',
      'c2pa',
      'none',
      'c2pa',
      'none',
      'c2pa',
      'none',
      'c2pa',
      'none',
      'none',
    ]);
  });
});
