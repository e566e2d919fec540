import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ImageError } from '../src/errors/image-error.js';
import {
  addUsage,
  parseImagesBody,
  parseUsage,
  parseWithoutImageStrings,
  toGeneratedImage,
} from '../src/receive/parse-images.js';
import { fakePng } from './scripted-transport.js';

const enc = (value: unknown, space?: number) => new TextEncoder().encode(JSON.stringify(value, null, space));

function bigImage(seed: number): Buffer {
  const bytes = randomBytes(200_000);
  bytes.set(fakePng(640 + seed, 480).subarray(0, 33));
  return bytes;
}

describe('parseImagesBody', () => {
  it('reads large bodies (fast path) exactly like small ones, several images, pretty-printed or not', () => {
    const images = [bigImage(0), bigImage(1), bigImage(2)];
    const value = {
      created: 7,
      data: images.map((b, i) => ({ b64_json: b.toString('base64'), revised_prompt: `p "b64_json" ${i}` })),
      usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
      output_format: 'png',
      size: '1024x1024',
    };
    for (const body of [enc(value), enc(value, 2)]) {
      expect(parseWithoutImageStrings(body)).toEqual(value);
      const parsed = parseImagesBody(body);
      expect(parsed.data).toHaveLength(3);
      parsed.data.forEach((raw, i) => {
        expect(raw.b64Json).toBe(images[i]?.toString('base64'));
        expect(raw.revisedPrompt).toBe(`p "b64_json" ${i}`);
      });
      expect(parsed.created).toBe(7);
      expect(parsed.usage).toEqual({ inputTokens: 1, outputTokens: 2, totalTokens: 3 });
      expect(parsed.size).toBe('1024x1024');
    }
  });

  it('falls back to a full parse for escaped slashes (\\/) in base64', () => {
    const image = bigImage(0);
    const b64 = image.toString('base64');
    const text = JSON.stringify({ created: 1, data: [{ b64_json: b64 }] }).replace(/\//g, '\\/');
    expect(text).toContain('\\/');
    expect(parseWithoutImageStrings(new TextEncoder().encode(text))).toBeUndefined();
    const parsed = parseImagesBody(new TextEncoder().encode(text));
    expect(parsed.data[0]?.b64Json).toBe(b64);
  });

  it('keeps a large URL-only answer intact', () => {
    const body = enc({ created: 1, data: [{ url: 'https://x/y.png', revised_prompt: 'r'.repeat(100_000) }] });
    expect(parseImagesBody(body).data[0]).toEqual({ url: 'https://x/y.png', revisedPrompt: 'r'.repeat(100_000) });
  });

  it('reports a large truncated body as bad_response', () => {
    const body = enc({ created: 1, data: [{ b64_json: bigImage(0).toString('base64') }] });
    const cut = body.subarray(0, body.length - 100);
    expect(() => parseImagesBody(cut)).toThrow(ImageError);
    try {
      parseImagesBody(cut);
    } catch (error) {
      expect((error as ImageError).kind).toBe('bad_response');
      expect((error as ImageError).message).toMatch(/malformed or truncated JSON/);
    }
  });

  it('names an HTML page', () => {
    expect(() => parseImagesBody('<html><body>502</body></html>', { status: 200 })).toThrow(/HTML page/);
  });
});

describe('usage and images', () => {
  it('maps snake_case usage and adds usages', () => {
    const usage = parseUsage({
      input_tokens: 3,
      output_tokens: 4,
      total_tokens: 7,
      input_tokens_details: { text_tokens: 2, image_tokens: 1 },
    });
    expect(usage).toEqual({ inputTokens: 3, outputTokens: 4, totalTokens: 7, inputTextTokens: 2, inputImageTokens: 1 });
    expect(parseUsage(null)).toBeUndefined();
    expect(parseUsage({})).toBeUndefined();
    expect(addUsage(usage, { totalTokens: 3 })?.totalTokens).toBe(10);
    expect(addUsage(undefined, undefined)).toBeUndefined();
  });

  it('sniffs type and size, falling back to the asked size when the header has none', () => {
    const image = toGeneratedImage(fakePng(300, 200), 4, { revisedPrompt: 'r' });
    expect(image).toMatchObject({
      index: 4,
      mimeType: 'image/png',
      extension: 'png',
      width: 300,
      height: 200,
      revisedPrompt: 'r',
    });
    const jpegWithoutSof = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
    expect(toGeneratedImage(jpegWithoutSof, 0, { size: '1024x768' })).toMatchObject({
      mimeType: 'image/jpeg',
      width: 1024,
      height: 768,
    });
    expect(() => toGeneratedImage(new Uint8Array([1, 2, 3]), 0)).toThrow(/not a PNG, JPEG or WebP/);
  });
});
