// Edits over real HTTP: the multipart body the core encodes goes through both transports and is parsed
// by the fake's own multipart reader and judged by its own edit rules.
import { encodePng, type OpenAIProviderConfig } from '@brushwork/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/index.ts';
import { harness, imageError, KEY, TRANSPORTS } from './helpers.ts';

const fake: FakeUpstream = await startFakeUpstream();
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const openai = (): OpenAIProviderConfig => ({ kind: 'openai', apiKey: KEY, baseUrl: fake.openaiBaseUrl });

function png(width: number, height: number, alpha = 255): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([40, 120, 200, alpha], i);
  return encodePng({ width, height, data });
}

describe.each(TRANSPORTS)('edits over the $name transport', ({ make }) => {
  it('GPT image: two images and a mask as image[] parts, fields as text parts', async () => {
    const first = png(64, 64);
    const second = png(32, 48);
    const mask = png(64, 64, 0);
    const h = harness(openai(), make());
    const result = await h.client.edit({
      prompt: 'add a red balloon',
      model: 'gpt-image-2',
      images: [{ bytes: first }, { bytes: second, filename: 'second.png' }],
      mask: { bytes: mask },
      size: '1024x1536',
      inputFidelity: 'high',
    });
    expect(fake.log).toHaveLength(1);
    const entry = fake.log[0]!;
    expect(entry).toMatchObject({ route: 'openai.edits', status: 200, auth: 'bearer' });
    expect(entry.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(entry.body).toEqual({
      prompt: 'add a red balloon',
      model: 'gpt-image-2',
      size: '1024x1536',
      input_fidelity: 'high',
    });
    expect(entry.files).toEqual([
      { field: 'image[]', filename: 'image-1.png', contentType: 'image/png', bytes: first.length },
      { field: 'image[]', filename: 'second.png', contentType: 'image/png', bytes: second.length },
      { field: 'mask', filename: 'mask.png', contentType: 'image/png', bytes: mask.length },
    ]);
    expect(result.images[0]).toMatchObject({ width: 1024, height: 1536, mimeType: 'image/png' });
  });

  it('DALL-E 2: one square PNG as the image part', async () => {
    const square = png(256, 256);
    const h = harness(openai(), make());
    const result = await h.client.edit({
      prompt: 'add a hat',
      model: 'dall-e-2',
      images: [{ bytes: square }],
      size: '256x256',
    });
    expect(fake.log[0]?.files).toEqual([
      { field: 'image', filename: 'image-1.png', contentType: 'image/png', bytes: square.length },
    ]);
    expect(fake.log[0]?.body).toMatchObject({ model: 'dall-e-2', size: '256x256', response_format: 'b64_json' });
    expect(result.images[0]).toMatchObject({ width: 256, height: 256 });
  });

  it('a non-square image for DALL-E 2 is refused by the core before any network call', async () => {
    const h = harness(openai(), make());
    const error = await imageError(
      h.client.edit({ prompt: 'add a hat', model: 'dall-e-2', images: [{ bytes: png(64, 32) }] }),
    );
    expect(error.kind).toBe('invalid_request');
    expect(error.problems?.[0]?.field).toMatch(/^images/);
    expect(fake.log).toHaveLength(0);
  });

  it('a 503 on an edit is retried with the same multipart body', async () => {
    fake.inject({ kind: 'server_error', status: 503 });
    const h = harness(openai(), make());
    await h.client.edit({ prompt: 'add a hat', model: 'gpt-image-1.5', images: [{ bytes: png(64, 64) }] });
    expect(fake.log.map((e) => e.status)).toEqual([503, 200]);
    expect(fake.log[1]?.files).toEqual(fake.log[0]?.files);
    expect(fake.log[1]?.body).toEqual(fake.log[0]?.body);
    expect(h.delays).toEqual([500]);
  });
});
