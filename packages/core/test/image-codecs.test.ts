import { describe, expect, it } from 'vitest';
import { encodeJpeg, encodeWebp, readImageSize, sniffImageType } from '../src/image/index.js';
import { decode, maxChannelDiff, meanAbsDiff, sameBytes, testRaster } from './image-helpers.js';

describe('encodeWebp (lossless VP8L)', () => {
  it('round-trips an opaque image exactly through libwebp', async () => {
    const raster = testRaster(133, 77, false, 3);
    const webp = encodeWebp(raster);
    expect(sniffImageType(webp)).toEqual({ mimeType: 'image/webp', extension: 'webp' });
    expect(readImageSize(webp)).toEqual({ width: 133, height: 77 });
    const out = await decode(webp);
    expect(out.format).toBe('webp');
    expect([out.width, out.height]).toEqual([133, 77]);
    expect(sameBytes(out.data, raster.data)).toBe(true);
  });

  it('round-trips alpha exactly', async () => {
    const raster = testRaster(256, 180, true, 5);
    const out = await decode(encodeWebp(raster));
    expect(sameBytes(out.data, raster.data)).toBe(true);
  });

  it('handles solid colours (one-symbol codes) and tiny images', async () => {
    for (const [w, h, rgba] of [
      [1, 1, [10, 20, 30, 255]],
      [64, 64, [0, 0, 0, 0]],
      [200, 3, [255, 255, 255, 255]],
      [5, 300, [1, 2, 3, 4]],
    ] as const) {
      const data = new Uint8Array(w * h * 4);
      for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
      const webp = encodeWebp({ width: w, height: h, data });
      const out = await decode(webp);
      expect([out.width, out.height]).toEqual([w, h]);
      // libwebp may zero the colour of fully transparent pixels; compare alpha and, when visible, colour.
      if (rgba[3] === 0) expect(out.data.filter((_, i) => i % 4 === 3).every((v) => v === 0)).toBe(true);
      else expect(sameBytes(out.data, data)).toBe(true);
    }
  });

  it('compresses flat regions with backward references', () => {
    const w = 512;
    const h = 512;
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < data.length; i += 4) data.set([(i >> 14) & 0xff, 90, 200, 255], i);
    expect(encodeWebp({ width: w, height: h, data }).length).toBeLessThan(4000);
  });
});

describe('encodeJpeg', () => {
  for (const quality of [95, 75, 30]) {
    it(`decodes close to the source at quality ${quality}`, async () => {
      const raster = testRaster(171, 93, false, 7);
      // Replace the noise band: JPEG tolerance is checked on smooth content.
      for (let i = 0; i < raster.data.length; i += 4) raster.data[i + 2] = 128;
      const jpeg = encodeJpeg(raster, quality);
      expect(sniffImageType(jpeg)).toEqual({ mimeType: 'image/jpeg', extension: 'jpg' });
      expect(readImageSize(jpeg)).toEqual({ width: 171, height: 93 });
      const out = await decode(jpeg);
      expect(out.format).toBe('jpeg');
      expect([out.width, out.height]).toEqual([171, 93]);
      const mean = meanAbsDiff(out.data, raster.data);
      expect(mean).toBeLessThan(quality >= 90 ? 2.5 : quality >= 70 ? 4 : 8);
    });
  }

  it('decodes at the extremes: quality 100 (all-ones tables) and 1, on noisy content', async () => {
    const raster = testRaster(64, 40, false, 21);
    for (let i = 0; i < raster.data.length; i++)
      if (i % 4 !== 3) raster.data[i] = (Math.imul(i, 2654435761) >>> 24) & 0xff;
    const best = await decode(encodeJpeg(raster, 100));
    expect(meanAbsDiff(best.data, raster.data)).toBeLessThan(12);
    const worst = await decode(encodeJpeg(raster, 1));
    expect([worst.width, worst.height]).toEqual([64, 40]);
  });

  it('lower quality gives smaller files', () => {
    const raster = testRaster(256, 256, false, 11);
    expect(encodeJpeg(raster, 30).length).toBeLessThan(encodeJpeg(raster, 90).length);
  });

  it('composites transparent pixels over white', async () => {
    const data = new Uint8Array(16 * 16 * 4); // all transparent black
    const out = await decode(encodeJpeg({ width: 16, height: 16, data }, 90));
    expect(maxChannelDiff(out.data, new Uint8Array(16 * 16 * 4).fill(255))).toBeLessThanOrEqual(2);
  });
});
