// Streaming (stream=true: SSE partial images → progress events + final images) and fan-out (n above a
// model's images per call → parallel calls, results in order, partial failures kept) over real HTTP.
import type { ImageError, OpenAIProviderConfig, ProgressEvent } from '@brushwork/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/index.ts';
import { harness, imageError, isPng, KEY, pngSize, TRANSPORTS } from './helpers.ts';

const fake: FakeUpstream = await startFakeUpstream();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const openai = (): OpenAIProviderConfig => ({ kind: 'openai', apiKey: KEY, baseUrl: fake.openaiBaseUrl });
const generations = () => fake.log.filter((entry) => entry.route === 'openai.generations');
type Partial = Extract<ProgressEvent, { type: 'partial_image' }>;
const partials = (events: ProgressEvent[]) => events.filter((e): e is Partial => e.type === 'partial_image');

describe.each(TRANSPORTS)('streaming over the $name transport', ({ make }) => {
  it('stream=true with partialImages 2: two partial-image events, then the final image', async () => {
    const h = harness(openai(), make());
    const result = await h.client.generate(
      { prompt: 'a clockwork bird', model: 'gpt-image-2', size: '1024x1536', stream: true, partialImages: 2 },
      h.call(),
    );
    const entry = generations()[0];
    expect(generations()).toHaveLength(1);
    expect(entry?.body).toEqual({
      prompt: 'a clockwork bird',
      model: 'gpt-image-2',
      size: '1024x1536',
      stream: true,
      partial_images: 2,
    });
    expect(entry?.headers.accept).toBe('text/event-stream');
    const seen = partials(h.events);
    expect(seen.map((e) => [e.call, e.index, e.partialIndex])).toEqual([
      [0, 0, 0],
      [0, 0, 1],
    ]);
    for (const event of seen) {
      expect(isPng(event.bytes)).toBe(true);
      expect(pngSize(event.bytes)).toEqual({ width: 1024, height: 1536 });
    }
    expect(Buffer.from(seen[0]!.bytes).equals(Buffer.from(seen[1]!.bytes))).toBe(false);
    // Partial images come before the final one.
    const lastPartial = h.events.lastIndexOf(seen[1]!);
    const final = h.events.findIndex((e) => e.type === 'image');
    expect(final).toBeGreaterThan(lastPartial);
    expect(result.images).toHaveLength(1);
    expect(result.images[0]).toMatchObject({ index: 0, width: 1024, height: 1536, mimeType: 'image/png' });
    expect(Buffer.from(result.images[0]!.bytes).equals(Buffer.from(seen[1]!.bytes))).toBe(false);
    expect(result.usage?.totalTokens).toBeGreaterThan(0);
  });

  it('stream with n=2 and partialImages 1: one partial per image, indexes kept, final images in order', async () => {
    const h = harness(openai(), make());
    const result = await h.client.generate(
      {
        prompt: 'a clockwork bird',
        model: 'gpt-image-1.5',
        n: 2,
        stream: true,
        partialImages: 1,
        outputFormat: 'jpeg',
      },
      h.call(),
    );
    expect(partials(h.events).map((e) => [e.index, e.partialIndex])).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(result.images.map((image) => [image.index, image.mimeType, image.width, image.height])).toEqual([
      [0, 'image/jpeg', 1024, 1024],
      [1, 'image/jpeg', 1024, 1024],
    ]);
  });

  it('stream with partialImages 0: no partial events, just the final image', async () => {
    const h = harness(openai(), make());
    const result = await h.client.generate(
      { prompt: 'a clockwork bird', model: 'gpt-image-2', stream: true, partialImages: 0 },
      h.call(),
    );
    expect(partials(h.events)).toEqual([]);
    expect(result.images).toHaveLength(1);
  });

  it('a 429 before the stream starts is retried like any request', async () => {
    fake.inject({ kind: 'rate_limit', retryAfter: 2 });
    const h = harness(openai(), make());
    const result = await h.client.generate(
      { prompt: 'a clockwork bird', model: 'gpt-image-2', stream: true, partialImages: 1 },
      h.call(),
    );
    expect(generations().map((e) => e.status)).toEqual([429, 200]);
    expect(h.delays).toEqual([2000]);
    expect(partials(h.events)).toHaveLength(1);
    expect(result.images).toHaveLength(1);
  });

  it('streaming over Azure deployments too', async () => {
    const h = harness(
      {
        kind: 'azure',
        endpoint: fake.azureEndpoint,
        deployment: 'gpt-image-2',
        apiVersion: '2025-04-01-preview',
        apiKey: KEY,
      },
      make(),
    );
    const result = await h.client.generate({ prompt: 'a clockwork bird', stream: true, partialImages: 1 }, h.call());
    expect(fake.log[0]?.body).toEqual({ prompt: 'a clockwork bird', stream: true, partial_images: 1 });
    expect(partials(h.events)).toHaveLength(1);
    expect(result.images).toHaveLength(1);
  });
});

describe.each(TRANSPORTS)('fan-out over the $name transport', ({ make }) => {
  it('DALL-E 3 n=3: three calls of n=1, images in order, each with its revised prompt', async () => {
    const h = harness(openai(), make());
    const result = await h.client.generate({ prompt: 'a blue heron', model: 'dall-e-3', n: 3 }, h.call());
    expect(generations()).toHaveLength(3);
    for (const entry of generations()) {
      expect(entry.body).toEqual({ prompt: 'a blue heron', model: 'dall-e-3', n: 1, response_format: 'b64_json' });
    }
    expect(result.images.map((image) => image.index)).toEqual([0, 1, 2]);
    for (const image of result.images) expect(image.revisedPrompt).toMatch(/^a blue heron, /);
    expect(result.errors).toEqual([]);
    expect(result.requestIds).toHaveLength(3);
    expect(result.warnings.some((w) => /3 calls/.test(w))).toBe(true);
  });

  it('DALL-E 3 n=3, the middle call refused (quota, not retryable): 2 images + 1 error, order kept', async () => {
    const h = harness(openai(), make(), { concurrency: 1 });
    const result = await h.client.generate(
      { prompt: 'a blue heron', model: 'dall-e-3', n: 3 },
      {
        onProgress: (event) => {
          // Calls start in order with concurrency 1: arm the fault for call 1's first attempt only.
          if (event.type === 'request' && event.call === 1) fake.inject({ kind: 'insufficient_quota' });
        },
      },
    );
    expect(generations().map((e) => e.status)).toEqual([200, 429, 200]);
    expect(result.images.map((image) => image.index)).toEqual([0, 2]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({
      kind: 'quota',
      status: 429,
      code: 'insufficient_quota',
      retryable: false,
      call: 1,
      indexes: [1],
    });
    expect(result.requestIds).toHaveLength(2);
  });

  it('with calls in parallel, a slow call and a refused call: the others arrive, nothing is dropped', async () => {
    // Queued faults go to requests in arrival order: the first to arrive is slow, the second refused.
    fake.inject([
      { kind: 'slow', delayMs: 150 },
      {
        kind: 'status',
        status: 400,
        body: JSON.stringify({
          error: { message: 'Bad luck.', type: 'invalid_request_error', param: null, code: 'invalid_value' },
        }),
      },
    ]);
    const h = harness(openai(), make(), { concurrency: 3 });
    const result = await h.client.generate({ prompt: 'a blue heron', model: 'dall-e-3', n: 3 });
    expect(generations()).toHaveLength(3);
    expect(result.images).toHaveLength(2);
    expect(result.errors).toHaveLength(1);
    const error = result.errors[0] as ImageError;
    expect(error).toMatchObject({ kind: 'invalid_request', status: 400, retryable: false });
    expect(error.indexes).toEqual([error.call]);
    const expected = [0, 1, 2].filter((index) => index !== error.call);
    expect(result.images.map((image) => image.index)).toEqual(expected);
  });

  it('a retryable fault on one call is retried: all three images', async () => {
    fake.inject({ kind: 'server_error', status: 502 });
    const h = harness(openai(), make());
    const result = await h.client.generate({ prompt: 'a blue heron', model: 'dall-e-3', n: 3 });
    expect(
      generations()
        .map((e) => e.status)
        .sort(),
    ).toEqual([200, 200, 200, 502]);
    expect(h.delays).toEqual([500]);
    expect(result.images.map((image) => image.index)).toEqual([0, 1, 2]);
    expect(result.errors).toEqual([]);
  });

  it('every call refused: the request fails with the first call’s error, counting all three', async () => {
    fake.inject({ kind: 'insufficient_quota', times: 3 });
    const h = harness(openai(), make(), { concurrency: 1 });
    const error = await imageError(h.client.generate({ prompt: 'a blue heron', model: 'dall-e-3', n: 3 }));
    expect(error).toMatchObject({ kind: 'quota', indexes: [0, 1, 2] });
    expect(error.call).toBeUndefined();
    expect(error.message).toMatch(/All 3 calls of this request failed: 3 quota \(429\)/);
    expect(generations()).toHaveLength(3);
  });

  it('GPT image n=3 needs no fan-out: one call with n=3', async () => {
    const h = harness(openai(), make());
    const result = await h.client.generate({ prompt: 'a blue heron', model: 'gpt-image-2', n: 3, quality: 'low' });
    expect(generations().map((e) => e.body?.n)).toEqual([3]);
    expect(result.images.map((image) => image.index)).toEqual([0, 1, 2]);
  });
});
