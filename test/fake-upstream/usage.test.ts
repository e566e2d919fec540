import { createRequire } from 'node:module';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from './index.ts';
import { bearer, call, decodePng, greyPng, pngBlob } from './test-helpers.ts';
import { textTokens, uploadDimensions } from './usage.ts';

const fake: FakeUpstream = await startFakeUpstream();
const gen = `${fake.openaiBaseUrl}/images/generations`;
const edits = `${fake.openaiBaseUrl}/images/edits`;
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const generate = (body: Record<string, unknown>) => call(gen, { headers: bearer(), body });

describe('usage follows the documented token accounting', () => {
  it('GPT image 1.x: output tokens from the guide’s table, times n', async () => {
    for (const [size, quality, tokens] of [
      ['1024x1024', 'low', 272],
      ['1024x1536', 'medium', 1584],
      ['1536x1024', 'high', 6208],
    ] as const) {
      const r = await generate({ model: 'gpt-image-1.5', prompt: 'a red fox', size, quality, n: 2 });
      expect(r.json.usage).toEqual({
        input_tokens: textTokens('a red fox'),
        output_tokens: 2 * tokens,
        total_tokens: textTokens('a red fox') + 2 * tokens,
        input_tokens_details: { text_tokens: textTokens('a red fox'), image_tokens: 0 },
      });
    }
  });

  it('GPT image 2: output tokens from the calculator rule (7024 at 1024x1024 high, 5488 at 1536x1024 high)', async () => {
    const square = await generate({ model: 'gpt-image-2', prompt: 'x', size: '1024x1024', quality: 'high' });
    expect(square.json.usage.output_tokens).toBe(7024);
    const wide = await generate({ model: 'gpt-image-2', prompt: 'x', size: '1536x1024', quality: 'high' });
    expect(wide.json.usage.output_tokens).toBe(5488);
    const small = await generate({ model: 'gpt-image-2', prompt: 'x', size: '960x720', quality: 'low' });
    expect(small.json.usage.output_tokens).toBe(130);
  });

  it('text tokens come from the prompt', () => {
    expect(textTokens('a red fox')).toBe(3);
    expect(textTokens('watercolour, 1920s harbour!')).toBe(10);
    expect(textTokens('雪の中の赤い狐')).toBe(7);
  });

  it('streaming: 100 output tokens per partial image; each completed event carries its image’s usage', async () => {
    const r = await generate({
      model: 'gpt-image-1.5',
      prompt: 'a red fox',
      size: '1024x1024',
      quality: 'low',
      n: 2,
      stream: true,
      partial_images: 2,
    });
    const completed = r.text
      .split('\n\n')
      .filter((block) => block.startsWith('event: image_generation.completed'))
      .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)));
    expect(completed).toHaveLength(2);
    expect(completed[0].usage).toMatchObject({ input_tokens: 3, output_tokens: 272 + 200 });
    expect(completed[1].usage).toMatchObject({ input_tokens: 0, output_tokens: 272 + 200 });
  });

  it('edits: image input tokens by tiles of each upload, input_fidelity high adds the high-fidelity tokens', async () => {
    const form = (fidelity?: string) => {
      const fd = new FormData();
      fd.append('model', 'gpt-image-1.5');
      fd.append('prompt', 'add a hat');
      fd.append('size', '1024x1024');
      fd.append('quality', 'low');
      if (fidelity) fd.append('input_fidelity', fidelity);
      fd.append('image[]', pngBlob(greyPng(1024, 1024)), 'a.png');
      fd.append('image[]', pngBlob(greyPng(512, 513)), 'b.png');
      return fd;
    };
    const low = await call(edits, { headers: bearer(), form: form() });
    expect(low.json.usage.input_tokens_details.image_tokens).toBe(194 + 323);
    const high = await call(edits, { headers: bearer(), form: form('high') });
    expect(high.json.usage.input_tokens_details.image_tokens).toBe(194 + 4160 + 323 + 6240);
  });

  it('reads upload sizes from PNG, JPEG and WebP headers', async () => {
    const sharp = createRequire(import.meta.url)('sharp');
    const raw = { raw: { width: 300, height: 200, channels: 3 } };
    const pixels = Buffer.alloc(300 * 200 * 3, 90);
    expect(uploadDimensions(greyPng(300, 200))).toEqual({ width: 300, height: 200 });
    expect(uploadDimensions(await sharp(pixels, raw).jpeg().toBuffer())).toEqual({ width: 300, height: 200 });
    expect(uploadDimensions(await sharp(pixels, raw).webp().toBuffer())).toEqual({ width: 300, height: 200 });
    expect(uploadDimensions(await sharp(pixels, raw).webp({ lossless: true }).toBuffer())).toEqual({
      width: 300,
      height: 200,
    });
    expect(uploadDimensions(Buffer.from('nope'))).toEqual({ width: undefined, height: undefined });
  });

  it('DALL-E answers carry no usage', async () => {
    const r = await generate({ model: 'dall-e-3', prompt: 'x', response_format: 'b64_json' });
    expect(r.json.usage).toBeUndefined();
  });
});

describe('C2PA-signed answers (c2pa option)', () => {
  const hasChunk = (bytes: Buffer, marker: string) => bytes.includes(Buffer.from(marker, 'latin1'));

  it('off by default; on: PNG gets a caBX chunk with valid CRC, JPEG an APP11 JUMBF, WebP a C2PA chunk', async () => {
    const plain = await generate({ model: 'gpt-image-2', prompt: 'x', size: '1024x1024' });
    expect(hasChunk(Buffer.from(plain.json.data[0].b64_json, 'base64'), 'caBX')).toBe(false);

    fake.configure({ c2pa: true });
    const png = Buffer.from(
      (await generate({ model: 'gpt-image-2', prompt: 'x', size: '1024x1024' })).json.data[0].b64_json,
      'base64',
    );
    expect(png.subarray(37, 41).toString('latin1')).toBe('caBX');
    expect(decodePng(png).width).toBe(1024); // every CRC still checks
    expect(hasChunk(png, 'c2pa')).toBe(true);

    const jpeg = Buffer.from(
      (await generate({ model: 'gpt-image-2', prompt: 'x', size: '1024x1024', output_format: 'jpeg' })).json.data[0]
        .b64_json,
      'base64',
    );
    expect([jpeg[2], jpeg[3]]).toEqual([0xff, 0xeb]);
    expect(jpeg.subarray(6, 8).toString('latin1')).toBe('JP');
    expect(hasChunk(jpeg, 'jumb') && hasChunk(jpeg, 'c2pa')).toBe(true);
    const sharp = createRequire(import.meta.url)('sharp');
    expect((await sharp(jpeg).metadata()).width).toBe(1024);

    const webp = Buffer.from(
      (await generate({ model: 'gpt-image-2', prompt: 'x', size: '1024x1024', output_format: 'webp' })).json.data[0]
        .b64_json,
      'base64',
    );
    expect(webp.readUInt32LE(4)).toBe(webp.length - 8);
    expect(hasChunk(webp, 'C2PA')).toBe(true);
    expect((await sharp(webp).metadata()).width).toBe(1024);
  });

  it('partial images are not signed; DALL-E answers are', async () => {
    fake.configure({ c2pa: true });
    const r = await generate({
      model: 'gpt-image-1.5',
      prompt: 'x',
      size: '1024x1024',
      stream: true,
      partial_images: 1,
    });
    const events = r.text
      .split('\n\n')
      .filter((b) => b.startsWith('event:'))
      .map((b) => JSON.parse(b.slice(b.indexOf('data: ') + 6)));
    expect(hasChunk(Buffer.from(events[0].b64_json, 'base64'), 'caBX')).toBe(false);
    expect(hasChunk(Buffer.from(events[1].b64_json, 'base64'), 'caBX')).toBe(true);
    const dalle = await generate({ model: 'dall-e-3', prompt: 'x', response_format: 'b64_json' });
    expect(hasChunk(Buffer.from(dalle.json.data[0].b64_json, 'base64'), 'caBX')).toBe(true);
  });
});
