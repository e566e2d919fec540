import { describe, expect, it } from 'vitest';
import { encodeJpeg, encodePng, encodeWebp, readImageSize, sniffImageType } from '../src/image/index.js';
import { sharp, testRaster } from './image-helpers.js';

async function sharpFiles(): Promise<Array<[string, Uint8Array, string, number, number]>> {
  const width = 123;
  const height = 45;
  const raw = testRaster(width, height, true, 3);
  const base = () => sharp(raw.data, { raw: { width, height, channels: 4 } });
  const out = async (p: Promise<Buffer>) => new Uint8Array(await p);
  return [
    ['png (sharp, RGBA)', await out(base().png().toBuffer()), 'image/png', width, height],
    ['png (sharp, palette)', await out(base().png({ palette: true }).toBuffer()), 'image/png', width, height],
    ['jpeg baseline (sharp)', await out(base().jpeg().toBuffer()), 'image/jpeg', width, height],
    ['jpeg progressive (SOF2)', await out(base().jpeg({ progressive: true }).toBuffer()), 'image/jpeg', width, height],
    [
      'jpeg with EXIF and ICC before the frame',
      await out(base().withMetadata({ orientation: 1 }).jpeg().toBuffer()),
      'image/jpeg',
      width,
      height,
    ],
    ['webp lossy with alpha (VP8X)', await out(base().webp().toBuffer()), 'image/webp', width, height],
    [
      'webp lossy opaque (VP8)',
      await out(base().removeAlpha().webp({ quality: 60 }).toBuffer()),
      'image/webp',
      width,
      height,
    ],
    ['webp lossless (VP8L)', await out(base().webp({ lossless: true }).toBuffer()), 'image/webp', width, height],
    ['png (ours)', encodePng(raw), 'image/png', width, height],
    ['jpeg (ours)', encodeJpeg(raw, 80), 'image/jpeg', width, height],
    ['webp (ours)', encodeWebp(raw), 'image/webp', width, height],
    ['large png (ours)', encodePng(testRaster(3000, 20, false)), 'image/png', 3000, 20],
  ];
}

describe('sniffImageType and readImageSize', () => {
  it('recognise real files from sharp and from our encoders', async () => {
    for (const [name, bytes, mime, w, h] of await sharpFiles()) {
      const ext = mime === 'image/jpeg' ? 'jpg' : mime.slice(6);
      expect({ name, type: sniffImageType(bytes) }).toEqual({ name, type: { mimeType: mime, extension: ext } });
      expect({ name, size: readImageSize(bytes) }).toEqual({ name, size: { width: w, height: h } });
    }
  });

  it('never throw on truncated files: every prefix gives undefined or the right size', async () => {
    for (const [name, bytes, , w, h] of await sharpFiles()) {
      for (let len = 0; len <= Math.min(bytes.length, 2000); len++) {
        const prefix = bytes.subarray(0, len);
        const size = readImageSize(prefix);
        if (size !== undefined) expect({ name, len, size }).toEqual({ name, len, size: { width: w, height: h } });
        sniffImageType(prefix);
      }
    }
  });

  it('give undefined for garbage, empty input and non-images', () => {
    let s = 12345;
    for (let trial = 0; trial < 300; trial++) {
      const bytes = new Uint8Array(trial % 64).map(() => {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        return s >>> 24;
      });
      expect(() => readImageSize(bytes)).not.toThrow();
      expect(() => sniffImageType(bytes)).not.toThrow();
    }
    expect(sniffImageType(new Uint8Array(0))).toBeUndefined();
    expect(readImageSize(new Uint8Array(0))).toBeUndefined();
    const gif = new TextEncoder().encode('GIF89a\x01\x00\x01\x00');
    expect(sniffImageType(gif)).toBeUndefined();
    expect(readImageSize(gif)).toBeUndefined();
    expect(sniffImageType('not bytes' as unknown as Uint8Array)).toBeUndefined();
    expect(readImageSize(undefined as unknown as Uint8Array)).toBeUndefined();
    // Magic bytes with garbage after: type known, size not.
    const jpegish = new Uint8Array([0xff, 0xd8, 0xff, 0x12, 0x34, 0x56]);
    expect(sniffImageType(jpegish)?.mimeType).toBe('image/jpeg');
    expect(readImageSize(jpegish)).toBeUndefined();
    const riff = new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 \0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0');
    expect(sniffImageType(riff)?.mimeType).toBe('image/webp');
    expect(readImageSize(riff)).toBeUndefined();
  });

  it('walk JPEG segments: skips fill bytes and DHT/DAC markers, stops at SOS before a frame', () => {
    const seg = (marker: number, payload: number[]) => [
      0xff,
      marker,
      ((payload.length + 2) >> 8) & 0xff,
      (payload.length + 2) & 0xff,
      ...payload,
    ];
    const sof = (marker: number) => seg(marker, [8, 0x01, 0x2c, 0x02, 0x58, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]);
    const jpeg = (...segments: number[][]) => new Uint8Array([0xff, 0xd8, ...segments.flat()]);
    // DHT (C4) and DAC (CC) look like SOF markers but are not.
    expect(readImageSize(jpeg(seg(0xc4, [0, 1, 2, 3]), seg(0xcc, [1, 2]), sof(0xc0)))).toEqual({
      width: 600,
      height: 300,
    });
    // Fill bytes before a marker.
    expect(readImageSize(jpeg([0xff, 0xff], sof(0xc2)))).toEqual({ width: 600, height: 300 });
    // Arithmetic-coded lossless frame (SOF15).
    expect(readImageSize(jpeg(sof(0xcf)))).toEqual({ width: 600, height: 300 });
    // SOS before any frame header, a zero height (DNL), a bad segment length.
    expect(readImageSize(jpeg(seg(0xda, [1, 2, 3]), sof(0xc0)))).toBeUndefined();
    expect(readImageSize(jpeg(seg(0xc0, [8, 0, 0, 0x02, 0x58, 1, 1, 0x11, 0])))).toBeUndefined();
    expect(readImageSize(jpeg([0xff, 0xe0, 0x00, 0x01]))).toBeUndefined();
    // A segment length that runs past the end.
    expect(readImageSize(jpeg([0xff, 0xe1, 0xff, 0xff, 1, 2, 3]))).toBeUndefined();
  });
});
