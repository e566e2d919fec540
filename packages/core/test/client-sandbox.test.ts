/** The sandbox through the core's own client: the offline twin must satisfy the real client end to end. */
import { describe, expect, it } from 'vitest';
import { ImageError } from '../src/errors/image-error.js';
import { encodePng } from '../src/image/png.js';
import { createImageClient } from '../src/node.js';
import type { HttpRequest, ProgressEvent, Transport } from '../src/types.js';
import { decode, testRaster } from './image-helpers.js';

describe('createImageClient with the sandbox provider', () => {
  it('generates real images in-process, never touching the given transport', async () => {
    const sent: HttpRequest[] = [];
    const transport: Transport = async (request) => {
      sent.push(request);
      throw new Error('network must not be used');
    };
    const client = createImageClient({ provider: { kind: 'sandbox' }, transport });
    const result = await client.generate({
      prompt: 'a lighthouse at dusk',
      model: 'gpt-image-1.5',
      size: '1024x1536',
      n: 2,
    });
    expect(sent).toHaveLength(0);
    expect(result.sandbox).toBe(true);
    expect(result.provider).toBe('sandbox');
    expect(result.images.map((i) => [i.index, i.mimeType, i.width, i.height])).toEqual([
      [0, 'image/png', 1024, 1536],
      [1, 'image/png', 1024, 1536],
    ]);
    expect(result.usage?.totalTokens).toBeGreaterThan(0);
    expect(result.requestIds.length).toBeGreaterThan(0);
    for (const image of result.images) {
      const decoded = await decode(image.bytes);
      expect([decoded.width, decoded.height]).toEqual([1024, 1536]);
    }
  });

  it('fans out dall-e-3 and downloads URL results from the sandbox', async () => {
    const client = createImageClient({ provider: { kind: 'sandbox' } });
    const events: ProgressEvent[] = [];
    const result = await client.generate(
      { prompt: 'a red fox', model: 'dall-e-3', n: 2, responseFormat: 'url', size: '1792x1024' },
      { onProgress: (e) => events.push(e) },
    );
    expect(result.images.map((i) => [i.index, i.width, i.height])).toEqual([
      [0, 1792, 1024],
      [1, 1792, 1024],
    ]);
    for (const image of result.images) expect(image.revisedPrompt).toMatch(/a red fox/);
    expect(events.filter((e) => e.type === 'download')).toHaveLength(2);
  });

  it('streams partial images for GPT image models', async () => {
    const client = createImageClient({ provider: { kind: 'sandbox' } });
    const events: ProgressEvent[] = [];
    const result = await client.generate(
      { prompt: 'a cat', model: 'gpt-image-2', size: '512x512', stream: true, partialImages: 2 },
      { onProgress: (e) => events.push(e) },
    );
    expect(events.filter((e) => e.type === 'partial_image')).toHaveLength(2);
    expect(result.images).toHaveLength(1);
    expect(result.images[0]).toMatchObject({ width: 512, height: 512 });
  });

  it('edits with multipart', async () => {
    const client = createImageClient({ provider: { kind: 'sandbox' } });
    const base = await client.generate({ prompt: 'a house', model: 'gpt-image-1.5', size: '1024x1024' });
    const image = base.images[0];
    if (!image) throw new Error('no image');
    const result = await client.edit({
      prompt: 'add a red door',
      model: 'gpt-image-1.5',
      images: [{ bytes: image.bytes }],
      outputFormat: 'webp',
    });
    expect(result.images[0]?.mimeType).toBe('image/webp');
  });

  it('edits and streams partial images', async () => {
    const events: ProgressEvent[] = [];
    const result = await createImageClient({ provider: { kind: 'sandbox' } }).edit(
      {
        prompt: 'add snow',
        model: 'gpt-image-2',
        size: '256x256',
        outputFormat: 'webp',
        stream: true,
        partialImages: 2,
        images: [{ bytes: encodePng(testRaster(48, 48, false)) }],
      },
      { onProgress: (event) => events.push(event) },
    );
    expect(result.images).toHaveLength(1);
    expect(result.images[0]?.mimeType).toBe('image/webp');
    expect(events.filter((e) => e.type === 'partial_image')).toHaveLength(2);
  });

  it('lists image models', async () => {
    const models = await createImageClient({ provider: { kind: 'sandbox' } }).listModels();
    expect(models.length).toBeGreaterThan(0);
    expect(models.every((m) => /^(dall-e-|gpt-image-|chatgpt-image)/.test(m.id))).toBe(true);
    expect(models.map((m) => m.id)).toEqual(expect.arrayContaining(['gpt-image-2', 'dall-e-3']));
  });

  it('is deterministic', async () => {
    const client = createImageClient({ provider: { kind: 'sandbox' } });
    const a = await client.generate({ prompt: 'same', model: 'gpt-image-2', size: '256x256' });
    const b = await client.generate({ prompt: 'same', model: 'gpt-image-2', size: '256x256' });
    expect(Buffer.from(a.images[0]?.bytes ?? []).equals(Buffer.from(b.images[0]?.bytes ?? []))).toBe(true);
  });

  it('still rejects invalid requests before anything runs', async () => {
    const client = createImageClient({ provider: { kind: 'sandbox' } });
    await expect(client.generate({ prompt: 'x', model: 'dall-e-3', quality: 'ultra' })).rejects.toBeInstanceOf(
      ImageError,
    );
  });
});
