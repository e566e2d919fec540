import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { renderImage } from './images.ts';
import { type FakeUpstream, startFakeUpstream } from './index.ts';
import { bearer, call, decodePng } from './test-helpers.ts';

const sharp = createRequire(import.meta.url)('sharp') as (input: Uint8Array) => {
  metadata(): Promise<{ width?: number; height?: number; format?: string; hasAlpha?: boolean }>;
};

const fake: FakeUpstream = await startFakeUpstream({ imageKind: 'photo' });
afterAll(() => fake.close());

describe('photo-sized images', () => {
  it('a 1024x1024 photo PNG is over 3 MB (over 4 MB as base64), decodable, and served as b64_json', async () => {
    const r = await call(`${fake.openaiBaseUrl}/images/generations`, {
      headers: bearer(),
      body: { model: 'gpt-image-2', prompt: 'a forest', size: '1024x1024' },
    });
    expect(r.status).toBe(200);
    const b64: string = r.json.data[0].b64_json;
    expect(b64.length).toBeGreaterThan(4 * 1024 * 1024);
    const bytes = Buffer.from(b64, 'base64');
    expect(bytes.length).toBeGreaterThan(3 * 1024 * 1024);
    const png = decodePng(bytes);
    expect([png.width, png.height, png.colorType]).toEqual([1024, 1024, 2]);
    const meta = await sharp(bytes).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 1024, height: 1024 });
  });

  it('the noise does not compress: distinct bytes across the raster', async () => {
    const image = await renderImage({
      kind: 'photo',
      width: 256,
      height: 256,
      format: 'png',
      transparent: false,
      variant: 0,
    });
    const { pixels } = decodePng(image.bytes);
    const seen = new Set<number>();
    for (let i = 1; i < 4000; i++) seen.add(pixels[i]!);
    expect(seen.size).toBeGreaterThan(200);
    expect(image.bytes.length).toBeGreaterThan(256 * 256 * 3);
  });

  it('is cached per spec: the second render returns the same bytes object', async () => {
    const spec = {
      kind: 'photo' as const,
      width: 512,
      height: 512,
      format: 'png' as const,
      transparent: false,
      variant: 3,
    };
    const a = await renderImage(spec);
    const b = await renderImage({ ...spec, variant: 5 });
    expect(b.bytes).toBe(a.bytes);
  });

  it('photo URLs serve the same large PNG', async () => {
    const r = await call(`${fake.openaiBaseUrl}/images/generations`, {
      headers: bearer(),
      body: { model: 'dall-e-3', prompt: 'x', size: '1024x1792' },
    });
    const download = await fetch(r.json.data[0].url);
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(Number(download.headers.get('content-length'))).toBe(bytes.length);
    const png = decodePng(bytes);
    expect([png.width, png.height]).toEqual([1024, 1792]);
    expect(bytes.length).toBeGreaterThan(5 * 1024 * 1024);
  });

  it('jpeg and webp photos decode with sharp at the requested size', async () => {
    for (const format of ['jpeg', 'webp'] as const) {
      const image = await renderImage({
        kind: 'photo',
        width: 320,
        height: 240,
        format,
        transparent: false,
        variant: 0,
        quality: 80,
      });
      const meta = await sharp(image.bytes).metadata();
      expect(meta).toMatchObject({ format, width: 320, height: 240 });
      expect(image.mimeType).toBe(`image/${format}`);
    }
    const alpha = await renderImage({
      kind: 'solid',
      width: 64,
      height: 64,
      format: 'webp',
      transparent: true,
      variant: 1,
    });
    expect((await sharp(alpha.bytes).metadata()).hasAlpha).toBe(true);
  });
});
