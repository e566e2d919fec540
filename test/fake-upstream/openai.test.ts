import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from './index.ts';
import { bearer, call, decodePng, greyPng, KEY, pngBlob } from './test-helpers.ts';

let clock = Date.parse('2026-11-01T12:00:00Z');
const fake: FakeUpstream = await startFakeUpstream({ now: () => clock });
const gen = `${fake.openaiBaseUrl}/images/generations`;
const edits = `${fake.openaiBaseUrl}/images/edits`;

afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  clock = Date.parse('2026-11-01T12:00:00Z');
});

function generate(body: unknown, key = KEY) {
  return call(gen, { headers: bearer(key), body });
}

describe('routes', () => {
  it('lists image and non-image models, without retired ones', async () => {
    const r = await call(`${fake.openaiBaseUrl}/models`, { headers: bearer() });
    expect(r.status).toBe(200);
    expect(r.json.object).toBe('list');
    const ids = r.json.data.map((m: { id: string }) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['dall-e-2', 'dall-e-3', 'gpt-image-1.5', 'gpt-image-2', 'gpt-4o']));
    expect(ids).toContain('gpt-image-2.6-flare');
    expect(r.json.data[0]).toMatchObject({ object: 'model', owned_by: 'system' });
    fake.configure({ retiredModels: ['dall-e-2'] });
    const again = await call(`${fake.openaiBaseUrl}/models`, { headers: bearer() });
    expect(again.json.data.map((m: { id: string }) => m.id)).not.toContain('dall-e-2');
  });

  it('answers an unknown path with 404 Invalid URL in the OpenAI shape', async () => {
    const r = await call(`${fake.openaiBaseUrl}/images/variations`, { headers: bearer(), body: {} });
    expect(r.status).toBe(404);
    expect(r.json.error).toEqual({
      message: 'Invalid URL (POST /v1/images/variations)',
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
  });

  it('gpt-image-2: b64_json PNG of the requested free size, with usage and the resolved settings', async () => {
    const r = await generate({ model: 'gpt-image-2', prompt: 'a lighthouse', size: '1536x864', quality: 'high' });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(r.json).toMatchObject({
      created: Math.floor(clock / 1000),
      background: 'opaque',
      output_format: 'png',
      quality: 'high',
      size: '1536x864',
    });
    expect(r.json.usage).toMatchObject({
      input_tokens: expect.any(Number),
      output_tokens: expect.any(Number),
      total_tokens: r.json.usage.input_tokens + r.json.usage.output_tokens,
      input_tokens_details: { text_tokens: expect.any(Number), image_tokens: 0 },
    });
    expect(r.json.data).toHaveLength(1);
    expect(r.json.data[0].url).toBeUndefined();
    const png = decodePng(Buffer.from(r.json.data[0].b64_json, 'base64'));
    expect([png.width, png.height]).toEqual([1536, 864]);
  });

  it('resolves auto size and quality for GPT image models', async () => {
    const r = await generate({ model: 'gpt-image-1.5', prompt: 'x', size: 'auto', n: 2 });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ size: '1024x1024', quality: 'medium' });
    expect(r.json.data).toHaveLength(2);
  });

  it('serves jpeg and transparent webp when asked', async () => {
    const jpeg = await generate({ model: 'gpt-image-2', prompt: 'x', output_format: 'jpeg', output_compression: 40 });
    expect(jpeg.status).toBe(200);
    const jpegBytes = Buffer.from(jpeg.json.data[0].b64_json, 'base64');
    expect([...jpegBytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(jpeg.json.output_format).toBe('jpeg');

    const webp = await generate({
      model: 'gpt-image-2',
      prompt: 'x',
      output_format: 'webp',
      background: 'transparent',
    });
    const webpBytes = Buffer.from(webp.json.data[0].b64_json, 'base64');
    expect(webpBytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(webpBytes.subarray(8, 12).toString('latin1')).toBe('WEBP');
    expect(webp.json.background).toBe('transparent');

    const png = await generate({ model: 'gpt-image-2', prompt: 'x', background: 'transparent' });
    expect(decodePng(Buffer.from(png.json.data[0].b64_json, 'base64')).colorType).toBe(6);
  });

  it('dall-e-3: url results by default with revised_prompt; the URL serves the PNG without auth', async () => {
    const r = await generate({ model: 'dall-e-3', prompt: 'a red fox', size: '1792x1024', style: 'natural' });
    expect(r.status).toBe(200);
    expect(r.json.data[0].revised_prompt).toContain('a red fox');
    expect(r.json.usage).toBeUndefined();
    const url: string = r.json.data[0].url;
    expect(url.startsWith(`${fake.url}/files/`)).toBe(true);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    const png = decodePng(new Uint8Array(await download.arrayBuffer()));
    expect([png.width, png.height]).toEqual([1792, 1024]);
    const fileEntry = fake.log.find((e) => e.route === 'files');
    expect(fileEntry).toMatchObject({ auth: 'none', status: 200 });
    expect(fileEntry?.query['sig']).toBe('REDACTED');
  });

  it('dall-e-2 is the default model; b64_json when asked', async () => {
    const r = await generate({ prompt: 'a boat', size: '256x256', response_format: 'b64_json', n: 3 });
    expect(r.status).toBe(200);
    expect(r.json.data).toHaveLength(3);
    expect(r.json.data[0].revised_prompt).toBeUndefined();
    const png = decodePng(Buffer.from(r.json.data[2].b64_json, 'base64'));
    expect([png.width, png.height]).toEqual([256, 256]);
    expect(fake.log[0]?.images).toBe(3);
  });

  it('different prompts give visibly different solid images', async () => {
    const a = await generate({ model: 'dall-e-2', prompt: 'sunrise', response_format: 'b64_json', size: '256x256' });
    const b = await generate({ model: 'dall-e-2', prompt: 'midnight', response_format: 'b64_json', size: '256x256' });
    expect(a.json.data[0].b64_json).not.toBe(b.json.data[0].b64_json);
  });

  it('URL results expire: 403 AuthenticationFailed XML after the TTL, 404 BlobNotFound for unknown ids', async () => {
    fake.configure({ urlTtlMs: 60 * 60 * 1000 });
    const r = await generate({ model: 'dall-e-2', prompt: 'x', size: '256x256' });
    const url: string = r.json.data[0].url;
    clock += 59 * 60 * 1000;
    expect((await fetch(url)).status).toBe(200);
    clock += 2 * 60 * 1000;
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(expired.headers.get('content-type')).toBe('application/xml');
    const xml = await expired.text();
    expect(xml).toContain('<Code>AuthenticationFailed</Code>');
    expect(xml).toContain('Signed expiry time');
    const missing = await fetch(`${fake.url}/files/doesnotexist.png`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<Code>BlobNotFound</Code>');
  });
});

describe('auth', () => {
  it('no key → 401 with code null; wrong key → 401 invalid_api_key without echoing the key', async () => {
    const none = await call(gen, { body: { model: 'dall-e-2', prompt: 'x' } });
    expect(none.status).toBe(401);
    expect(none.json.error).toMatchObject({ type: 'invalid_request_error', code: null, param: null });
    expect(none.json.error.message).toContain("You didn't provide an API key");

    const wrongKey = 'sk-live-0123456789abcdefghijklmnop';
    const wrong = await generate({ model: 'dall-e-2', prompt: 'x' }, wrongKey);
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key', param: null });
    expect(wrong.json.error.message).toMatch(/^Incorrect API key provided: /);
    expect(wrong.text).not.toContain(wrongKey);

    const apiKeyHeader = await call(gen, { headers: { 'api-key': KEY }, body: { model: 'dall-e-2', prompt: 'x' } });
    expect(apiKeyHeader.status).toBe(401);
  });

  it('redacts credentials in the log and records which auth was used', async () => {
    await generate({ model: 'dall-e-2', prompt: 'x' });
    await generate({ model: 'dall-e-2', prompt: 'x' }, 'sk-wrong-key-abcdefghijklmnop');
    await call(gen, { headers: { 'api-key': KEY }, body: { model: 'dall-e-2', prompt: 'x' } });
    const [ok, bad, apiKey] = fake.log;
    expect(ok).toMatchObject({ auth: 'bearer', authValid: true, status: 200 });
    expect(ok?.headers['authorization']).toBe('REDACTED');
    expect(bad).toMatchObject({ auth: 'bearer', authValid: false, status: 401 });
    expect(apiKey).toMatchObject({ auth: 'api-key', status: 401 });
    expect(apiKey?.headers['api-key']).toBe('REDACTED');
    const dump = JSON.stringify(fake.log);
    expect(dump).not.toContain(KEY);
    expect(dump).not.toContain('sk-wrong-key-abcdefghijklmnop');
  });

  it('accepts a configured key list, and no key at all when requireAuth is false', async () => {
    fake.configure({ validKeys: ['custom-key'] });
    expect((await generate({ model: 'dall-e-2', prompt: 'x' }, 'custom-key')).status).toBe(200);
    expect((await generate({ model: 'dall-e-2', prompt: 'x' })).status).toBe(401);
    fake.configure({ requireAuth: false });
    expect((await call(gen, { body: { model: 'dall-e-2', prompt: 'x' } })).status).toBe(200);
  });
});

const long = (n: number) => 'a'.repeat(n);

describe('rules (generations): 400 with param naming the field, and nothing generated', () => {
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['dall-e-2 prompt > 1000', { model: 'dall-e-2', prompt: long(1001) }, 'prompt', 'string_above_max_length'],
    ['dall-e-3 prompt > 4000', { model: 'dall-e-3', prompt: long(4001) }, 'prompt', 'string_above_max_length'],
    ['gpt-image-2 prompt > 32000', { model: 'gpt-image-2', prompt: long(32001) }, 'prompt', 'string_above_max_length'],
    ['missing prompt', { model: 'gpt-image-2' }, 'prompt', 'missing_required_parameter'],
    ['empty prompt', { model: 'gpt-image-2', prompt: '' }, 'prompt', 'empty_string'],
    ['prompt of the wrong type', { model: 'gpt-image-2', prompt: 42 }, 'prompt', 'invalid_type'],
    ['dall-e-3 n=2', { model: 'dall-e-3', prompt: 'x', n: 2 }, 'n', 'invalid_value'],
    ['dall-e-2 n=11', { model: 'dall-e-2', prompt: 'x', n: 11 }, 'n', 'integer_above_max_value'],
    ['n=0', { model: 'gpt-image-2', prompt: 'x', n: 0 }, 'n', 'integer_below_min_value'],
    ['n as a string', { model: 'gpt-image-2', prompt: 'x', n: '2' }, 'n', 'invalid_type'],
    ['n not an integer', { model: 'gpt-image-2', prompt: 'x', n: 1.5 }, 'n', 'invalid_type'],
    ['dall-e-2 size 1792x1024', { model: 'dall-e-2', prompt: 'x', size: '1792x1024' }, 'size', 'invalid_value'],
    ['dall-e-3 size 512x512', { model: 'dall-e-3', prompt: 'x', size: '512x512' }, 'size', 'invalid_value'],
    [
      'gpt-image-1.5 size 2048x2048',
      { model: 'gpt-image-1.5', prompt: 'x', size: '2048x2048' },
      'size',
      'invalid_value',
    ],
    ['gpt-image-2 size not /16', { model: 'gpt-image-2', prompt: 'x', size: '1000x1000' }, 'size', 'invalid_value'],
    ['gpt-image-2 aspect > 3:1', { model: 'gpt-image-2', prompt: 'x', size: '3200x1056' }, 'size', 'invalid_value'],
    ['gpt-image-2 edge > 3840', { model: 'gpt-image-2', prompt: 'x', size: '4096x2048' }, 'size', 'invalid_value'],
    [
      'gpt-image-2 pixels > 3840x2160',
      { model: 'gpt-image-2', prompt: 'x', size: '3840x2176' },
      'size',
      'invalid_value',
    ],
    ['gpt-image-2 size word', { model: 'gpt-image-2', prompt: 'x', size: 'large' }, 'size', 'invalid_value'],
    ['dall-e-2 quality hd', { model: 'dall-e-2', prompt: 'x', quality: 'hd' }, 'quality', 'invalid_value'],
    ['dall-e-3 quality high', { model: 'dall-e-3', prompt: 'x', quality: 'high' }, 'quality', 'invalid_value'],
    ['gpt quality hd', { model: 'gpt-image-2', prompt: 'x', quality: 'hd' }, 'quality', 'invalid_value'],
    ['gpt style', { model: 'gpt-image-2', prompt: 'x', style: 'vivid' }, 'style', 'unsupported_parameter'],
    ['dall-e-3 style unknown', { model: 'dall-e-3', prompt: 'x', style: 'fancy' }, 'style', 'invalid_value'],
    ['dall-e-2 style', { model: 'dall-e-2', prompt: 'x', style: 'vivid' }, 'style', 'unsupported_parameter'],
    [
      'gpt response_format',
      { model: 'gpt-image-2', prompt: 'x', response_format: 'url' },
      'response_format',
      'unknown_parameter',
    ],
    [
      'dall-e response_format bad',
      { model: 'dall-e-3', prompt: 'x', response_format: 'png' },
      'response_format',
      'invalid_value',
    ],
    [
      'dall-e-3 background',
      { model: 'dall-e-3', prompt: 'x', background: 'transparent' },
      'background',
      'unsupported_parameter',
    ],
    [
      'dall-e-2 output_format',
      { model: 'dall-e-2', prompt: 'x', output_format: 'png' },
      'output_format',
      'unsupported_parameter',
    ],
    [
      'dall-e-3 moderation',
      { model: 'dall-e-3', prompt: 'x', moderation: 'low' },
      'moderation',
      'unsupported_parameter',
    ],
    [
      'dall-e-3 output_compression',
      { model: 'dall-e-3', prompt: 'x', output_compression: 50 },
      'output_compression',
      'unsupported_parameter',
    ],
    ['dall-e-3 stream', { model: 'dall-e-3', prompt: 'x', stream: true }, 'stream', 'unsupported_parameter'],
    [
      'dall-e-2 partial_images',
      { model: 'dall-e-2', prompt: 'x', partial_images: 1 },
      'partial_images',
      'unsupported_parameter',
    ],
    [
      'transparent jpeg',
      { model: 'gpt-image-2', prompt: 'x', background: 'transparent', output_format: 'jpeg' },
      'background',
      'invalid_value',
    ],
    [
      'compression with png',
      { model: 'gpt-image-2', prompt: 'x', output_compression: 50 },
      'output_compression',
      'invalid_value',
    ],
    [
      'compression > 100',
      { model: 'gpt-image-2', prompt: 'x', output_format: 'jpeg', output_compression: 101 },
      'output_compression',
      'invalid_value',
    ],
    ['moderation high', { model: 'gpt-image-2', prompt: 'x', moderation: 'high' }, 'moderation', 'invalid_value'],
    [
      'output_format gif',
      { model: 'gpt-image-2', prompt: 'x', output_format: 'gif' },
      'output_format',
      'invalid_value',
    ],
    ['background none', { model: 'gpt-image-2', prompt: 'x', background: 'none' }, 'background', 'invalid_value'],
    [
      'partial_images 4',
      { model: 'gpt-image-2', prompt: 'x', stream: true, partial_images: 4 },
      'partial_images',
      'invalid_value',
    ],
    ['stream not boolean', { model: 'gpt-image-2', prompt: 'x', stream: 'yes' }, 'stream', 'invalid_type'],
    [
      'camelCase field',
      { model: 'gpt-image-2', prompt: 'x', outputFormat: 'png' },
      'outputFormat',
      'unknown_parameter',
    ],
    ['model not a string', { model: 3, prompt: 'x' }, 'model', 'invalid_type'],
  ];

  it.each(cases)('%s', async (_name, body, param, code) => {
    const r = await generate(body);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ type: 'invalid_request_error', param, code });
    expect(typeof r.json.error.message).toBe('string');
    expect(fake.log).toHaveLength(1);
    expect(fake.log[0]).toMatchObject({ status: 400, images: 0 });
  });

  const accepted: Array<[string, Record<string, unknown>]> = [
    ['gpt-image-2 3840x2160', { model: 'gpt-image-2', prompt: 'x', size: '3840x2160' }],
    ['gpt-image-2 2160x3840', { model: 'gpt-image-2', prompt: 'x', size: '2160x3840' }],
    ['gpt-image-2 3:1', { model: 'gpt-image-2', prompt: 'x', size: '3072x1024' }],
    ['gpt-image-2.6-flare (prefix)', { model: 'gpt-image-2.6-flare', prompt: 'x', size: '1024x1536' }],
    ['dated snapshot', { model: 'gpt-image-2-2026-04-21', prompt: 'x' }],
    ['gpt-image-1-mini', { model: 'gpt-image-1-mini', prompt: 'x', moderation: 'low' }],
    ['compression 100 with png', { model: 'gpt-image-2', prompt: 'x', output_compression: 100 }],
    ['nulls are absent', { model: 'gpt-image-2', prompt: 'x', n: null, size: null }],
    ['dall-e-3 hd vivid', { model: 'dall-e-3', prompt: 'x', quality: 'hd', style: 'vivid', user: 'u1' }],
    ['dall-e-3 prompt of 4000', { model: 'dall-e-3', prompt: long(4000) }],
    ['dall-e-2 prompt of 1000 code points', { model: 'dall-e-2', prompt: '😀'.repeat(1000) }],
  ];
  it.each(accepted)('accepts %s', async (_name, body) => {
    const r = await generate(body);
    expect(r.status).toBe(200);
    expect(r.json.data.length).toBeGreaterThan(0);
  });

  it('unknown model → 404 model_not_found; retired model → 404 model_not_found "deprecated"', async () => {
    const unknown = await generate({ model: 'gpt-4o', prompt: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toEqual({
      message: 'The model `gpt-4o` does not exist or you do not have access to it.',
      type: 'invalid_request_error',
      param: null,
      code: 'model_not_found',
    });
    const retired = await generate({ model: 'gpt-image-1', prompt: 'x' });
    expect(retired.status).toBe(404);
    expect(retired.json.error.code).toBe('model_not_found');
    expect(retired.json.error.message).toContain('`gpt-image-1` has been deprecated');
    fake.configure({ retiredModels: ['dall-e-3'] });
    expect((await generate({ model: 'dall-e-3', prompt: 'x' })).json.error.code).toBe('model_not_found');
    expect((await generate({ model: 'gpt-image-1', prompt: 'x' })).status).toBe(200);
  });

  it('a body that is not JSON → 400 with the parse hint', async () => {
    const r = await call(gen, { headers: bearer(), body: '{"prompt": ' });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain('could not parse the JSON body');
    expect(fake.log[0]?.bodyError).toBe('invalid JSON');
  });
});

describe('safety', () => {
  it('DALL-E: 400 content_policy_violation', async () => {
    const r = await generate({ model: 'dall-e-3', prompt: 'something FORBIDDEN here' });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'content_policy_violation', type: 'invalid_request_error' });
  });

  it('GPT image: 400 moderation_blocked of type image_generation_user_error', async () => {
    const r = await generate({ model: 'gpt-image-2', prompt: 'forbidden' });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'moderation_blocked', type: 'image_generation_user_error' });
    expect(r.json.error.moderation_details).toBeDefined();
  });

  it('the trigger word is configurable', async () => {
    fake.configure({ triggerWord: 'kraken' });
    expect((await generate({ model: 'gpt-image-2', prompt: 'forbidden' })).status).toBe(200);
    expect((await generate({ model: 'gpt-image-2', prompt: 'release the Kraken' })).json.error.code).toBe(
      'moderation_blocked',
    );
  });
});

describe('edits (multipart)', () => {
  function form(fields: Record<string, string>, files: Array<[string, Blob, string]>): FormData {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    for (const [k, blob, name] of files) fd.append(k, blob, name);
    return fd;
  }

  it('gpt-image-1.5 with two image[] files: b64 result of the requested size; the log keeps file metadata only', async () => {
    const png = greyPng(64, 64);
    const r = await call(edits, {
      headers: bearer(),
      form: form(
        { model: 'gpt-image-1.5', prompt: 'combine them', size: '1536x1024', n: '2', input_fidelity: 'high' },
        [
          ['image[]', pngBlob(png), 'a.png'],
          ['image[]', pngBlob(png), 'b.png'],
        ],
      ),
    });
    expect(r.status).toBe(200);
    expect(r.json.data).toHaveLength(2);
    expect(r.json.usage.input_tokens_details.image_tokens).toBeGreaterThan(0);
    const out = decodePng(Buffer.from(r.json.data[0].b64_json, 'base64'));
    expect([out.width, out.height]).toEqual([1536, 1024]);
    const entry = fake.log[0]!;
    expect(entry.body).toEqual({
      model: 'gpt-image-1.5',
      prompt: 'combine them',
      size: '1536x1024',
      n: '2',
      input_fidelity: 'high',
    });
    expect(entry.files).toEqual([
      { field: 'image[]', filename: 'a.png', contentType: 'image/png', bytes: png.length },
      { field: 'image[]', filename: 'b.png', contentType: 'image/png', bytes: png.length },
    ]);
  });

  it('dall-e-2 edit with a square PNG and matching mask → url result', async () => {
    const r = await call(edits, {
      headers: bearer(),
      form: form({ model: 'dall-e-2', prompt: 'add a hat', size: '512x512' }, [
        ['image', pngBlob(greyPng(32, 32)), 'in.png'],
        ['mask', pngBlob(greyPng(32, 32)), 'mask.png'],
      ]),
    });
    expect(r.status).toBe(200);
    expect(r.json.data[0].url).toContain('/files/');
  });

  const rejections: Array<[string, Record<string, string>, Array<[string, Blob, string]>, string]> = [
    [
      'dall-e-2 non-square image',
      { model: 'dall-e-2', prompt: 'x' },
      [['image', pngBlob(greyPng(32, 16)), 'a.png']],
      'image',
    ],
    [
      'dall-e-2 two images',
      { model: 'dall-e-2', prompt: 'x' },
      [
        ['image[]', pngBlob(greyPng(8, 8)), 'a.png'],
        ['image[]', pngBlob(greyPng(8, 8)), 'b.png'],
      ],
      'image[]',
    ],
    [
      'dall-e-2 jpeg-named garbage',
      { model: 'dall-e-2', prompt: 'x' },
      [['image', new Blob(['not an image']), 'a.png']],
      'image',
    ],
    [
      'mask size mismatch',
      { model: 'gpt-image-2', prompt: 'x' },
      [
        ['image', pngBlob(greyPng(32, 32)), 'a.png'],
        ['mask', pngBlob(greyPng(16, 16)), 'm.png'],
      ],
      'mask',
    ],
    [
      'gpt bad image bytes',
      { model: 'gpt-image-2', prompt: 'x' },
      [['image[]', new Blob(['GIF89a....']), 'a.gif']],
      'image[]',
    ],
    ['no image', { model: 'gpt-image-2', prompt: 'x' }, [], 'image'],
    ['dall-e-3 cannot edit', { model: 'dall-e-3', prompt: 'x' }, [['image', pngBlob(greyPng(8, 8)), 'a.png']], 'model'],
    [
      'style is not an edit field',
      { model: 'gpt-image-2', prompt: 'x', style: 'vivid' },
      [['image', pngBlob(greyPng(8, 8)), 'a.png']],
      'style',
    ],
    [
      'gpt-image-1-mini input_fidelity',
      { model: 'gpt-image-1-mini', prompt: 'x', input_fidelity: 'high' },
      [['image', pngBlob(greyPng(8, 8)), 'a.png']],
      'input_fidelity',
    ],
    [
      'n not a number',
      { model: 'gpt-image-2', prompt: 'x', n: 'two' },
      [['image', pngBlob(greyPng(8, 8)), 'a.png']],
      'n',
    ],
    [
      'dall-e-2 prompt > 1000',
      { model: 'dall-e-2', prompt: long(1001) },
      [['image', pngBlob(greyPng(8, 8)), 'a.png']],
      'prompt',
    ],
    [
      'gpt response_format',
      { model: 'gpt-image-1.5', prompt: 'x', response_format: 'b64_json' },
      [['image', pngBlob(greyPng(8, 8)), 'a.png']],
      'response_format',
    ],
  ];
  it.each(rejections)('rejects %s naming %s', async (_name, fields, files, param) => {
    const r = await call(edits, { headers: bearer(), form: form(fields, files) });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ type: 'invalid_request_error', param });
  });

  it('defaults to gpt-image-1.5 and accepts more than one image only for GPT image models', async () => {
    const fd = form({ prompt: 'x' }, [
      ['image[]', pngBlob(greyPng(8, 8)), 'a.png'],
      ['image[]', pngBlob(greyPng(8, 8)), 'b.png'],
    ]);
    const r = await call(edits, { headers: bearer(), form: fd });
    expect(r.status).toBe(200);
    expect(r.json.output_format).toBe('png');
  });

  it('parses a hand-written multipart body with a quoted boundary', async () => {
    const boundary = 'xYz-42';
    const png = greyPng(4, 4);
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nline one\r\nline two\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\ngpt-image-2\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="in put.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const response = await fetch(edits, {
      method: 'POST',
      headers: { ...bearer(), 'content-type': `multipart/form-data; boundary="${boundary}"` },
      body,
    });
    expect(response.status).toBe(200);
    expect(fake.log[0]?.body).toEqual({ prompt: 'line one\r\nline two', model: 'gpt-image-2' });
    expect(fake.log[0]?.files?.[0]).toMatchObject({ field: 'image', filename: 'in put.png', bytes: png.length });
  });

  it('a broken multipart body → 400', async () => {
    const response = await call(edits, {
      headers: { ...bearer(), 'content-type': 'multipart/form-data; boundary=abc' },
      body: '--abc\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nno end',
    });
    expect(response.status).toBe(400);
    expect(fake.log[0]?.bodyError).toContain('closing boundary');
  });

  it('accepts the JSON edit form with image references for GPT image models', async () => {
    const r = await call(edits, {
      headers: bearer(),
      body: { model: 'gpt-image-2', prompt: 'x', images: [{ image_url: 'https://example.com/a.png' }] },
    });
    expect(r.status).toBe(200);
  });
});

describe('streaming', () => {
  function parseSse(text: string): Array<{ event: string; data: Record<string, unknown> }> {
    return text
      .split('\n\n')
      .filter((block) => block.trim() !== '')
      .map((block) => {
        const lines = block.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))!.slice(7);
        const data = JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6));
        return { event, data };
      });
  }

  it('stream=true: partial_image events then completed, as text/event-stream', async () => {
    const r = await generate({ model: 'gpt-image-2', prompt: 'x', stream: true, partial_images: 2, size: '512x512' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(r.text);
    expect(events.map((e) => e.event)).toEqual([
      'image_generation.partial_image',
      'image_generation.partial_image',
      'image_generation.completed',
    ]);
    expect(events.map((e) => e.data['type'])).toEqual(events.map((e) => e.event));
    expect(events[0]?.data).toMatchObject({ partial_image_index: 0, size: '512x512', output_format: 'png' });
    expect(events[1]?.data['partial_image_index']).toBe(1);
    expect(events[2]?.data['usage']).toMatchObject({ total_tokens: expect.any(Number) });
    const final = decodePng(Buffer.from(events[2]!.data['b64_json'] as string, 'base64'));
    expect([final.width, final.height]).toEqual([512, 512]);
  });

  it('edits stream image_edit.* events; partial_images 0 gives the completed event only', async () => {
    const fd = new FormData();
    fd.append('model', 'gpt-image-1.5');
    fd.append('prompt', 'x');
    fd.append('stream', 'true');
    fd.append('image', pngBlob(greyPng(8, 8)), 'a.png');
    const r = await call(edits, { headers: bearer(), form: fd });
    expect(r.status).toBe(200);
    expect(parseSse(r.text).map((e) => e.event)).toEqual(['image_edit.completed']);
  });
});
