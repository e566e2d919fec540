import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../src/receive/base64.js';
import { TransportError } from '../src/errors/image-error.js';
import { encodePng } from '../src/image/png.js';
import { readImageSize, sniffImageType } from '../src/image/sniff.js';
import { encodeMultipart, type MultipartPart } from '../src/providers/multipart.js';
import { createSandboxTransport, SANDBOX_BASE_URL, sandboxTransport } from '../src/sandbox/index.js';
import { createSseParser, type SseEvent } from '../src/receive/sse.js';
import type { HttpRequest, HttpResponse } from '../src/types.js';
import { decode, meanAbsDiff, sameBytes, testRaster } from './image-helpers.js';

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);
const jsonOf = (response: HttpResponse) => JSON.parse(text(response.body));

function post(path: string, body: Record<string, unknown>, extra: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'POST',
    url: `${SANDBOX_BASE_URL}${path}`,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-sandbox' },
    body: JSON.stringify(body),
    timeoutMs: 60_000,
    ...extra,
  };
}

function get(url: string): HttpRequest {
  return { method: 'GET', url, headers: {}, timeoutMs: 60_000 };
}

function editRequest(parts: MultipartPart[], extra: Partial<HttpRequest> = {}): HttpRequest {
  const { body, contentType } = encodeMultipart(parts, 'test-boundary-123');
  return {
    method: 'POST',
    url: `${SANDBOX_BASE_URL}/images/edits`,
    headers: { 'content-type': contentType },
    body,
    timeoutMs: 60_000,
    ...extra,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the tests read the API's JSON freely
type Json = any;

async function generate(body: Record<string, unknown>): Promise<{ response: HttpResponse; json: Json }> {
  const response = await sandboxTransport(post('/images/generations', body));
  return { response, json: jsonOf(response) };
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<SseEvent[]> {
  const parser = createSseParser();
  const events: SseEvent[] = [];
  for await (const chunk of chunks) events.push(...parser.push(chunk));
  events.push(...parser.end());
  return events;
}

describe('sandbox: POST /images/generations', () => {
  it('answers a GPT image request in the API shape with a decodable image of the requested size', async () => {
    const { response, json } = await generate({
      model: 'gpt-image-2',
      prompt: 'a lighthouse at night',
      size: '512x256',
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-request-id']).toMatch(/^req_sandbox_[0-9a-f]+$/);
    expect(Object.keys(json).sort()).toEqual([
      'background',
      'created',
      'data',
      'output_format',
      'quality',
      'size',
      'usage',
    ]);
    expect(json).toMatchObject({ background: 'opaque', output_format: 'png', quality: 'medium', size: '512x256' });
    expect(json.created).toBeGreaterThan(1_700_000_000);
    expect(json.usage.total_tokens).toBe(json.usage.input_tokens + json.usage.output_tokens);
    expect(json.usage.input_tokens_details).toEqual({ text_tokens: json.usage.input_tokens, image_tokens: 0 });
    expect(json.data).toHaveLength(1);
    expect(Object.keys(json.data[0])).toEqual(['b64_json']);
    const bytes = decodeBase64(json.data[0].b64_json);
    expect(sniffImageType(bytes)?.mimeType).toBe('image/png');
    const image = await decode(bytes);
    expect([image.width, image.height, image.format]).toEqual([512, 256, 'png']);
  });

  it("size 'auto' and a missing size give 1024x1024", async () => {
    for (const size of ['auto', undefined]) {
      const { json } = await generate({ model: 'gpt-image-1.5', prompt: 'tea', size, quality: 'low' });
      expect(json.size).toBe('1024x1024');
      expect(json.quality).toBe('low');
      expect(readImageSize(decodeBase64(json.data[0].b64_json))).toEqual({ width: 1024, height: 1024 });
    }
  });

  it('is deterministic: the same request twice gives identical bytes', async () => {
    const body = { model: 'gpt-image-2', prompt: 'a cat astronaut', size: '256x256', n: 2 };
    const a = (await generate(body)).json;
    const b = (await generate(body)).json;
    expect(a.data[0].b64_json).toBe(b.data[0].b64_json);
    expect(a.data[1].b64_json).toBe(b.data[1].b64_json);
    // …while the two images of one request differ.
    expect(a.data[0].b64_json).not.toBe(a.data[1].b64_json);
  });

  it('different prompts give visibly different pictures', async () => {
    const pixels = async (prompt: string) =>
      (
        await decode(
          decodeBase64((await generate({ model: 'gpt-image-2', prompt, size: '256x256' })).json.data[0].b64_json),
        )
      ).data;
    const a = await pixels('a quiet harbour at sunrise');
    const b = await pixels('a neon city in the rain');
    expect(meanAbsDiff(a, b)).toBeGreaterThan(20);
  });

  it('returns the requested format: jpeg (compression shrinks it) and webp', async () => {
    const jpeg = async (output_compression: number) =>
      decodeBase64(
        (
          await generate({
            model: 'gpt-image-2',
            prompt: 'mountains',
            size: '384x256',
            output_format: 'jpeg',
            output_compression,
          })
        ).json.data[0].b64_json,
      );
    const high = await jpeg(0);
    const low = await jpeg(90);
    expect(sniffImageType(high)?.mimeType).toBe('image/jpeg');
    expect(low.length).toBeLessThan(high.length);
    expect((await decode(low)).format).toBe('jpeg');
    const { json } = await generate({ model: 'gpt-image-1', prompt: 'leaf', size: '1024x1536', output_format: 'webp' });
    expect(json.output_format).toBe('webp');
    const webp = await decode(decodeBase64(json.data[0].b64_json));
    expect([webp.width, webp.height, webp.format]).toEqual([1024, 1536, 'webp']);
  });

  it('draws a transparent background when asked (png and webp)', async () => {
    for (const output_format of ['png', 'webp']) {
      const { json } = await generate({
        model: 'gpt-image-2',
        prompt: 'a sticker of a fox',
        size: '256x256',
        background: 'transparent',
        output_format,
      });
      expect(json.background).toBe('transparent');
      const image = await decode(decodeBase64(json.data[0].b64_json));
      let transparent = 0;
      for (let i = 3; i < image.data.length; i += 4) if (image.data[i] === 0) transparent++;
      expect(transparent).toBeGreaterThan(256 * 256 * 0.02);
    }
  });

  it('DALL-E 3: url by default, revised_prompt, no GPT fields; the URL downloads through the transport', async () => {
    const { response, json } = await generate({
      model: 'dall-e-3',
      prompt: 'An owl reading a book.',
      style: 'natural',
    });
    expect(response.status).toBe(200);
    expect(Object.keys(json).sort()).toEqual(['created', 'data']);
    expect(json.data[0].revised_prompt).toMatch(/an owl reading a book/);
    expect(json.data[0].url).toMatch(new RegExp(`^${SANDBOX_BASE_URL}/files/`));
    const again = await generate({ model: 'dall-e-3', prompt: 'An owl reading a book.', style: 'natural' });
    expect(again.json.data[0].revised_prompt).toBe(json.data[0].revised_prompt);
    const file = await sandboxTransport(get(json.data[0].url));
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(readImageSize(file.body!)).toEqual({ width: 1024, height: 1024 });
  });

  it('DALL-E 2 b64_json answers with base64 and no revised prompt', async () => {
    const { json } = await generate({
      model: 'dall-e-2',
      prompt: 'a kite',
      size: '256x256',
      response_format: 'b64_json',
      n: 2,
    });
    expect(json.data).toHaveLength(2);
    expect(json.data[0].revised_prompt).toBeUndefined();
    expect(readImageSize(decodeBase64(json.data[0].b64_json))).toEqual({ width: 256, height: 256 });
  });

  it('keeps only the most recent URL results (bounded LRU)', async () => {
    const transport = createSandboxTransport({ maxStoredFiles: 2 });
    const urls: string[] = [];
    for (const prompt of ['one', 'two', 'three']) {
      const response = await transport(post('/images/generations', { model: 'dall-e-2', prompt, size: '256x256' }));
      urls.push(jsonOf(response).data[0].url);
    }
    expect((await transport(get(urls[0]!))).status).toBe(404);
    expect((await transport(get(urls[1]!))).status).toBe(200);
    expect((await transport(get(urls[2]!))).status).toBe(200);
  });

  it('renders 3840x2160 for GPT image 2', async () => {
    const { json } = await generate({
      model: 'gpt-image-2',
      prompt: 'a wide panorama',
      size: '3840x2160',
      output_format: 'webp',
    });
    const bytes = decodeBase64(json.data[0].b64_json);
    expect(readImageSize(bytes)).toEqual({ width: 3840, height: 2160 });
    const meta = await (await import('./image-helpers.js')).sharp(bytes).metadata();
    expect([meta.width, meta.height, meta.format]).toEqual([3840, 2160, 'webp']);
  });
});

describe('sandbox: validation answers in the API error shape', () => {
  const cases: Array<[string, Record<string, unknown>, number, string | null, string | RegExp]> = [
    [
      'a size DALL-E 2 lacks',
      { model: 'dall-e-2', prompt: 'x', size: '1792x1024' },
      400,
      'size',
      /256x256, 512x512 or 1024x1024/,
    ],
    ['n above 1 for DALL-E 3', { model: 'dall-e-3', prompt: 'x', n: 2 }, 400, 'n', /Expected a value <= 1/],
    [
      'response_format for a GPT image model',
      { model: 'gpt-image-2', prompt: 'x', response_format: 'url' },
      400,
      'response_format',
      /response_format/,
    ],
    [
      'transparent jpeg',
      { model: 'gpt-image-2', prompt: 'x', background: 'transparent', output_format: 'jpeg' },
      400,
      'background',
      /png or webp/,
    ],
    [
      'a size not a multiple of 16',
      { model: 'gpt-image-2', prompt: 'x', size: '1000x1000' },
      400,
      'size',
      /multiples of 16/,
    ],
    [
      'an unknown parameter',
      { model: 'gpt-image-2', prompt: 'x', colour: 'red' },
      400,
      'colour',
      "Unknown parameter: 'colour'.",
    ],
    ['a missing prompt', { model: 'gpt-image-2' }, 400, 'prompt', /Missing required parameter: 'prompt'/],
    ['n as a string', { model: 'gpt-image-2', prompt: 'x', n: '2' }, 400, 'n', /n/],
    ['stream on DALL-E 3', { model: 'dall-e-3', prompt: 'x', stream: true }, 400, 'stream', /stream/],
  ];
  for (const [name, body, status, param, message] of cases) {
    it(`rejects ${name}`, async () => {
      const { response, json } = await generate(body);
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toBe('application/json');
      expect(Object.keys(json)).toEqual(['error']);
      expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
      expect(json.error.type).toBe('invalid_request_error');
      expect(json.error.param).toBe(param);
      if (typeof message === 'string') expect(json.error.message).toBe(message);
      else expect(json.error.message).toMatch(message);
    });
  }

  it('uses wire names in messages', async () => {
    const { json } = await generate({ model: 'gpt-image-2', prompt: 'x', output_compression: 50 });
    expect(json.error.param).toBe('output_compression');
    expect(json.error.message).toMatch(/output_compression/);
    expect(json.error.message).not.toMatch(/outputCompression/);
  });

  it('reports every problem at once', async () => {
    const { json } = await generate({ model: 'dall-e-2', prompt: 'x', size: '100x100', quality: 'hd' });
    expect(json.error.message).toMatch(/size/);
    expect(json.error.message).toMatch(/quality/);
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    const { response, json } = await generate({ model: 'imagen-9', prompt: 'x' });
    expect(response.status).toBe(404);
    expect(json.error).toEqual({
      message: "The model 'imagen-9' does not exist or you do not have access to it.",
      type: 'invalid_request_error',
      param: null,
      code: 'model_not_found',
    });
  });

  it('rejects a body that is not JSON', async () => {
    const response = await sandboxTransport({ ...post('/images/generations', {}), body: '{"prompt": ' });
    expect(response.status).toBe(400);
    expect(jsonOf(response).error.message).toMatch(/could not parse the JSON body/);
  });
});

describe('sandbox: other routes and the transport contract', () => {
  it('lists models like GET /v1/models', async () => {
    const response = await sandboxTransport(get(`${SANDBOX_BASE_URL}/models`));
    expect(response.status).toBe(200);
    const json = jsonOf(response);
    expect(json.object).toBe('list');
    const ids = json.data.map((m: { id: string }) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['dall-e-2', 'dall-e-3', 'gpt-image-1.5', 'gpt-image-2']));
    expect(json.data[0]).toEqual({ id: 'dall-e-2', object: 'model', created: expect.any(Number), owned_by: 'system' });
  });

  it('answers unknown routes with 404 Invalid URL', async () => {
    const response = await sandboxTransport(post('/images/variations', { prompt: 'x' }));
    expect(response.status).toBe(404);
    expect(jsonOf(response).error.message).toBe('Invalid URL (POST /v1/images/variations)');
  });

  it('ignores a query string (api-version) when routing', async () => {
    const response = await sandboxTransport(get(`${SANDBOX_BASE_URL}/models?api-version=preview`));
    expect(response.status).toBe(200);
  });

  it('refuses any other host with a network TransportError (it never goes online)', async () => {
    await expect(sandboxTransport(get('https://api.openai.com/v1/models'))).rejects.toMatchObject({
      name: 'TransportError',
      kind: 'network',
    });
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await sandboxTransport(
      post('/images/generations', { model: 'gpt-image-2', prompt: 'x' }, { signal: controller.signal }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe('cancelled');
  });

  it('enforces maxResponseBytes', async () => {
    await expect(
      sandboxTransport(
        post('/images/generations', { model: 'gpt-image-2', prompt: 'x', size: '256x256' }, { maxResponseBytes: 100 }),
      ),
    ).rejects.toMatchObject({ kind: 'bad_response' });
  });
});

describe('sandbox: POST /images/edits (multipart)', () => {
  const source = encodePng(testRaster(64, 64, false, 4));

  it('edits with a GPT image model: image tokens in usage, the input steers the picture', async () => {
    const parts = (image: Uint8Array): MultipartPart[] => [
      { name: 'image[]', filename: 'photo.png', contentType: 'image/png', data: image },
      { name: 'prompt', value: 'add a hat' },
      { name: 'model', value: 'gpt-image-2' },
      { name: 'size', value: '256x256' },
      { name: 'n', value: '1' },
      { name: 'input_fidelity', value: 'high' },
    ];
    const response = await sandboxTransport(editRequest(parts(source)));
    expect(response.status).toBe(200);
    const json = jsonOf(response);
    expect(json.usage.input_tokens_details.image_tokens).toBeGreaterThan(0);
    const bytes = decodeBase64(json.data[0].b64_json);
    expect(readImageSize(bytes)).toEqual({ width: 256, height: 256 });
    const again = jsonOf(await sandboxTransport(editRequest(parts(source))));
    expect(again.data[0].b64_json).toBe(json.data[0].b64_json);
    const other = jsonOf(await sandboxTransport(editRequest(parts(encodePng(testRaster(64, 64, false, 99))))));
    expect(other.data[0].b64_json).not.toBe(json.data[0].b64_json);
  });

  it('edits with DALL-E 2 (one square PNG, optional mask)', async () => {
    const response = await sandboxTransport(
      editRequest([
        { name: 'image', filename: 'a.png', contentType: 'image/png', data: source },
        { name: 'mask', filename: 'm.png', contentType: 'image/png', data: encodePng(testRaster(64, 64, true, 2)) },
        { name: 'prompt', value: 'a pool' },
        { name: 'model', value: 'dall-e-2' },
        { name: 'size', value: '256x256' },
        { name: 'response_format', value: 'b64_json' },
      ]),
    );
    expect(response.status).toBe(200);
    expect(readImageSize(decodeBase64(jsonOf(response).data[0].b64_json))).toEqual({ width: 256, height: 256 });
  });

  it('rejects edits with DALL-E 3, without an image, and with a JSON body', async () => {
    const dalle3 = await sandboxTransport(
      editRequest([
        { name: 'image', filename: 'a.png', contentType: 'image/png', data: source },
        { name: 'prompt', value: 'x' },
        { name: 'model', value: 'dall-e-3' },
      ]),
    );
    expect(dalle3.status).toBe(400);
    expect(jsonOf(dalle3).error.param).toBe('model');

    const noImage = await sandboxTransport(
      editRequest([
        { name: 'prompt', value: 'x' },
        { name: 'model', value: 'gpt-image-2' },
      ]),
    );
    expect(noImage.status).toBe(400);
    expect(jsonOf(noImage).error).toMatchObject({ param: 'image', code: 'missing_required_parameter' });

    const asJson = await sandboxTransport(post('/images/edits', { prompt: 'x', model: 'gpt-image-2' }));
    expect(asJson.status).toBe(400);
    expect(jsonOf(asJson).error.message).toMatch(/multipart\/form-data/);
  });

  it('rejects an input that is not an image, naming the image parameter', async () => {
    const response = await sandboxTransport(
      editRequest([
        { name: 'image', filename: 'a.txt', contentType: 'text/plain', data: new TextEncoder().encode('hello') },
        { name: 'prompt', value: 'x' },
        { name: 'model', value: 'gpt-image-2' },
      ]),
    );
    expect(response.status).toBe(400);
    expect(jsonOf(response).error.param).toBe('image');
  });
});

describe('sandbox: streaming (SSE)', () => {
  it('streams partial images then the completed image as chunks', async () => {
    const response = await sandboxTransport(
      post(
        '/images/generations',
        { model: 'gpt-image-2', prompt: 'a paper boat', size: '256x256', stream: true, partial_images: 2 },
        { stream: true },
      ),
    );
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(response.body).toBeUndefined();
    const events = await collect(response.chunks!);
    expect(events.map((e) => e.event)).toEqual([
      'image_generation.partial_image',
      'image_generation.partial_image',
      'image_generation.completed',
    ]);
    const data = events.map((e) => JSON.parse(e.data));
    expect(data[0]).toMatchObject({ type: 'image_generation.partial_image', partial_image_index: 0, size: '256x256' });
    expect(data[1].partial_image_index).toBe(1);
    expect(data[2].usage.total_tokens).toBeGreaterThan(0);
    const images = data.map((d) => decodeBase64(d.b64_json));
    for (const image of images) expect(readImageSize(image)).toEqual({ width: 256, height: 256 });
    expect(sameBytes(images[0]!, images[2]!)).toBe(false);
    // The completed image is the one a non-streamed request gets.
    const plain = await generate({ model: 'gpt-image-2', prompt: 'a paper boat', size: '256x256' });
    expect(data[2].b64_json).toBe(plain.json.data[0].b64_json);
  });

  it('streams edits as image_edit events', async () => {
    const response = await sandboxTransport(
      editRequest(
        [
          { name: 'image', filename: 'a.png', contentType: 'image/png', data: encodePng(testRaster(32, 32, false)) },
          { name: 'prompt', value: 'x' },
          { name: 'model', value: 'gpt-image-1.5' },
          { name: 'stream', value: 'true' },
          { name: 'partial_images', value: '1' },
        ],
        { stream: true },
      ),
    );
    const events = await collect(response.chunks!);
    expect(events.map((e) => e.event)).toEqual(['image_edit.partial_image', 'image_edit.completed']);
  });

  it('gives the whole SSE text as the body when the transport request did not ask to stream', async () => {
    const response = await sandboxTransport(
      post('/images/generations', { model: 'gpt-image-2', prompt: 'x', size: '256x256', stream: true }),
    );
    expect(response.chunks).toBeUndefined();
    const parser = createSseParser();
    const events = [...parser.push(response.body!), ...parser.end()];
    expect(events.map((e) => e.event)).toEqual(['image_generation.completed']);
  });

  it('stops the stream when the signal aborts', async () => {
    const controller = new AbortController();
    const response = await sandboxTransport(
      post(
        '/images/generations',
        { model: 'gpt-image-2', prompt: 'x', size: '256x256', stream: true, partial_images: 3 },
        { stream: true, signal: controller.signal },
      ),
    );
    const seen: Uint8Array[] = [];
    const error = await (async () => {
      for await (const chunk of response.chunks!) {
        seen.push(chunk);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe('cancelled');
  });
});
