import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { base64Length, makePreview, makePreviews } from '../src/preview.js';

/** A noisy image compresses badly: a hard case for the budget. */
async function noisyPng(width: number, height: number, alpha = false): Promise<Uint8Array> {
  const channels = alpha ? 4 : 3;
  const data = Buffer.alloc(width * height * channels);
  let seed = 12345;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    data[i] = seed >> 16;
  }
  return new Uint8Array(
    await sharp(data, { raw: { width, height, channels } }).png({ compressionLevel: 1 }).toBuffer(),
  );
}

describe('makePreview', () => {
  it('downscales to at most 768 px and keeps the aspect ratio, as JPEG for opaque images', async () => {
    const preview = await makePreview(await noisyPng(1536, 1024), 700_000);
    expect(preview).toMatchObject({ mimeType: 'image/jpeg', width: 768, height: 512 });
    const meta = await sharp(Buffer.from(preview!.data, 'base64')).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 768, height: 512 });
  });

  it('keeps transparency as WebP', async () => {
    const preview = await makePreview(await noisyPng(256, 256, true), 700_000);
    expect(preview).toMatchObject({ mimeType: 'image/webp', width: 256, height: 256 });
  });

  it('never upscales a small image', async () => {
    const preview = await makePreview(await noisyPng(100, 50), 700_000);
    expect(preview).toMatchObject({ width: 100, height: 50 });
  });

  it('shrinks until the base64 fits a tight budget', async () => {
    const preview = await makePreview(await noisyPng(3840, 2160), 40_000);
    expect(preview).toBeDefined();
    expect(preview!.data.length).toBeLessThanOrEqual(40_000);
    expect(preview!.width).toBeLessThan(768);
  });

  it('gives up (undefined) when even the smallest, lowest-quality try does not fit', async () => {
    // Above the 200-character floor, so the encoder really runs and every size is tried.
    expect(await makePreview(await noisyPng(512, 512), 400)).toBeUndefined();
  });

  it('gives up (undefined) at once below a 200-character budget or when the bytes are not an image', async () => {
    expect(await makePreview(await noisyPng(512, 512), 150)).toBeUndefined();
    expect(await makePreview(new Uint8Array([1, 2, 3]), 700_000)).toBeUndefined();
  });
});

describe('makePreviews', () => {
  it('keeps the total base64 of several big images under the budget', async () => {
    const image = await noisyPng(1536, 1024);
    const previews = await makePreviews([image, image, image, image], 300_000);
    const total = previews.reduce((sum, p) => sum + (p?.data.length ?? 0), 0);
    expect(previews.every((p) => p !== undefined)).toBe(true);
    expect(total).toBeLessThanOrEqual(300_000);
  });

  it('base64Length matches Buffer', () => {
    for (const n of [0, 1, 2, 3, 4, 1000]) expect(base64Length(n)).toBe(Buffer.alloc(n).toString('base64').length);
  });
});
