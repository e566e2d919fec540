/** The sandbox through the core's own client: the offline twin must satisfy the real client end to end. */
import { describe, expect, it } from 'vitest';
import { createImageClient } from '../src/node.js';
import { encodePng } from '../src/image/png.js';
import type { ProgressEvent } from '../src/types.js';
import { decode, testRaster } from './image-helpers.js';

const client = () => createImageClient({ provider: { kind: 'sandbox' } });

describe('sandbox through createImageClient', () => {
  it('generates with a GPT image model: bytes, type, size, usage', async () => {
    const result = await client().generate({
      prompt: 'a cabin in the woods',
      model: 'gpt-image-2',
      size: '512x512',
      n: 2,
    });
    expect(result.sandbox).toBe(true);
    expect(result.provider).toBe('sandbox');
    expect(result.images).toHaveLength(2);
    expect(result.usage?.totalTokens).toBeGreaterThan(0);
    for (const image of result.images) {
      expect([image.mimeType, image.width, image.height]).toEqual(['image/png', 512, 512]);
      const decoded = await decode(image.bytes);
      expect([decoded.width, decoded.height]).toEqual([512, 512]);
    }
  });

  it('DALL-E 3 with n=2 (fanned out) and URL results downloaded through the sandbox', async () => {
    const result = await client().generate({ prompt: 'a lighthouse', model: 'dall-e-3', n: 2, responseFormat: 'url' });
    expect(result.errors).toEqual([]);
    expect(result.images.map((i) => i.index)).toEqual([0, 1]);
    for (const image of result.images) {
      expect(image.revisedPrompt).toMatch(/a lighthouse/);
      expect([image.width, image.height]).toEqual([1024, 1024]);
    }
  });

  it('edits and streams', async () => {
    const events: ProgressEvent[] = [];
    const result = await client().edit(
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
    expect(result.images[0]!.mimeType).toBe('image/webp');
    expect(events.filter((e) => e.type === 'partial_image')).toHaveLength(2);
  });

  it('lists the image models', async () => {
    const ids = (await client().listModels()).map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-image-2', 'dall-e-3']));
  });
});
