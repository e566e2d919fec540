// URL results (response_format url): downloaded at once, without credentials, with the type sniffed
// from the bytes and the size read from the image header; expired URLs and download faults classified.
import type { OpenAIProviderConfig } from '@brushwork/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/index.ts';
import { harness, imageError, isPng, KEY, pngSize, SECRET, TRANSPORTS } from './helpers.ts';

const fake: FakeUpstream = await startFakeUpstream();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const openai = (): OpenAIProviderConfig => ({ kind: 'openai', apiKey: KEY, baseUrl: fake.openaiBaseUrl });
const files = () => fake.log.filter((entry) => entry.route === 'files');

describe.each(TRANSPORTS)('URL results over the $name transport', ({ make }) => {
  it('downloads every URL at once, without the API key, and reads type and size from the bytes', async () => {
    const h = harness(openai(), make());
    const result = await h.client.generate(
      { prompt: 'two lanterns', model: 'dall-e-2', n: 2, size: '512x512', responseFormat: 'url' },
      h.call(),
    );
    const generation = fake.log.find((entry) => entry.route === 'openai.generations');
    expect(generation?.body).toMatchObject({ model: 'dall-e-2', n: 2, size: '512x512', response_format: 'url' });
    expect(files()).toHaveLength(2);
    for (const entry of files()) {
      expect(entry).toMatchObject({ method: 'GET', status: 200, auth: 'none' });
      expect(entry.headers.authorization).toBeUndefined();
      expect(entry.headers['api-key']).toBeUndefined();
      expect(entry.query.sig).toBe('REDACTED'); // the signed URL was used as given
    }
    expect(result.images.map((image) => image.index)).toEqual([0, 1]);
    for (const image of result.images) {
      expect(image).toMatchObject({ mimeType: 'image/png', extension: 'png', width: 512, height: 512 });
      expect(isPng(image.bytes)).toBe(true);
      expect(pngSize(image.bytes)).toEqual({ width: 512, height: 512 });
    }
    expect(Buffer.from(result.images[0]!.bytes).equals(Buffer.from(result.images[1]!.bytes))).toBe(false);
    expect(h.events.filter((e) => e.type === 'download')).toEqual([
      { type: 'download', call: 0, index: 0 },
      { type: 'download', call: 0, index: 1 },
    ]);
  });

  it('DALL-E 3 URL result: wide size from the header and the revised prompt', async () => {
    const h = harness(openai(), make());
    const result = await h.client.generate({
      prompt: 'a harbour at dawn',
      model: 'dall-e-3',
      size: '1792x1024',
      quality: 'hd',
      responseFormat: 'url',
    });
    expect(result.images).toHaveLength(1);
    expect(result.images[0]).toMatchObject({ width: 1792, height: 1024, mimeType: 'image/png' });
    expect(result.images[0]?.revisedPrompt).toMatch(/^a harbour at dawn, /);
    expect(files()).toHaveLength(1);
  });

  it('an expired URL (403 from the blob store) is a bad_response that says so, not retried, URL not quoted', async () => {
    fake.inject({ kind: 'expired_url', times: 3 });
    const h = harness(openai(), make());
    const error = await imageError(
      h.client.generate({ prompt: 'a lantern', model: 'dall-e-2', size: '256x256', responseFormat: 'url' }),
    );
    expect(error).toMatchObject({ kind: 'bad_response', status: 403, retryable: false });
    expect(error.message).toMatch(/expired/);
    expect(error.message).toMatch(/Generate the image again/);
    expect(error.message).not.toMatch(/sig=|\/files\//);
    expect(files().map((entry) => entry.status)).toEqual([403]);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });

  it('a 503 from the file host is retried, then the download succeeds', async () => {
    fake.inject({ kind: 'server_error', status: 503, route: 'files' });
    const h = harness(openai(), make());
    const result = await h.client.generate({
      prompt: 'a lantern',
      model: 'dall-e-2',
      size: '256x256',
      responseFormat: 'url',
    });
    expect(files().map((entry) => entry.status)).toEqual([503, 200]);
    expect(fake.log.filter((entry) => entry.route === 'openai.generations')).toHaveLength(1);
    expect(h.delays).toEqual([500]);
    expect(result.images[0]).toMatchObject({ width: 256, height: 256 });
  });

  it('a download larger than maxDownloadBytes is refused as bad_response', async () => {
    const h = harness(openai(), make(), { maxDownloadBytes: 64 });
    const error = await imageError(
      h.client.generate({ prompt: 'a lantern', model: 'dall-e-2', size: '256x256', responseFormat: 'url' }),
    );
    expect(error).toMatchObject({ kind: 'bad_response', retryable: false });
    expect(error.message).toMatch(/larger than the 64-byte/);
    expect(files()).toHaveLength(1);
  });

  it('b64_json (the DALL-E default the core asks for) needs no download', async () => {
    const h = harness(openai(), make());
    const result = await h.client.generate({ prompt: 'a lantern', model: 'dall-e-2', size: '256x256' });
    expect(fake.log.map((entry) => entry.route)).toEqual(['openai.generations']);
    expect(fake.log[0]?.body).toMatchObject({ response_format: 'b64_json' });
    expect(result.images[0]).toMatchObject({ width: 256, height: 256, mimeType: 'image/png' });
  });
});
