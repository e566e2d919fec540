// Provenance over real HTTP: the fake signs its images (C2PA in PNG caBX, JPEG APP11, WebP C2PA chunk);
// the core hands the bytes over exactly as received, so detectProvenance still finds the manifest.
import { detectProvenance, type OpenAIProviderConfig } from '@brushwork/core';
import { createFetchTransport } from '@brushwork/core/node';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/index.ts';
import { harness, KEY } from './helpers.ts';

const fake: FakeUpstream = await startFakeUpstream();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const openai = (): OpenAIProviderConfig => ({ kind: 'openai', apiKey: KEY, baseUrl: fake.openaiBaseUrl });
const client = () => harness(openai(), createFetchTransport()).client;

describe('provenance kept through the core', () => {
  it.each(['png', 'jpeg', 'webp'] as const)('%s: signed answers report c2pa, unsigned none', async (outputFormat) => {
    const request = { model: 'gpt-image-2', prompt: 'a fox', size: '1024x1024', quality: 'low', outputFormat, n: 2 };
    const plain = await client().generate(request);
    expect(plain.images.map((image) => detectProvenance(image.bytes))).toEqual(['none', 'none']);
    fake.configure({ c2pa: true });
    const signed = await client().generate(request);
    expect(signed.images.map((image) => detectProvenance(image.bytes))).toEqual(['c2pa', 'c2pa']);
  });

  it('streamed final images and DALL-E URL downloads keep their manifest too', async () => {
    fake.configure({ c2pa: true });
    const streamed = await client().generate({
      model: 'gpt-image-1.5',
      prompt: 'a fox',
      size: '1024x1024',
      quality: 'low',
      stream: true,
      partialImages: 1,
    });
    expect(detectProvenance(streamed.images[0]!.bytes)).toBe('c2pa');
    const downloaded = await client().generate({ model: 'dall-e-3', prompt: 'a fox', responseFormat: 'url' });
    expect(detectProvenance(downloaded.images[0]!.bytes)).toBe('c2pa');
  });
});
