import { describe, expect, it } from 'vitest';
import { createImageClient } from '../src/node.js';
import { ImageError, RESPONSE_TOO_LARGE, TransportError } from '../src/errors/image-error.js';
import type { ClientOptions, HttpRequest, ProgressEvent } from '../src/types.js';
import { b64, fakePng, imagesBody, json, raw, recordingSleep, scripted, sse } from './scripted-transport.js';

const KEY = 'sk-test-secret-key-123456';
const openai = { kind: 'openai', apiKey: KEY } as const;

function client(overrides: Partial<ClientOptions> & Pick<ClientOptions, 'transport'>) {
  const { sleep } = recordingSleep();
  return createImageClient({ provider: openai, sleep, random: () => 0, ...overrides });
}

function bodyOf(request: HttpRequest | undefined): Record<string, unknown> {
  return JSON.parse(String(request?.body));
}

async function rejection(promise: Promise<unknown>): Promise<ImageError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ImageError);
    return error as ImageError;
  }
  throw new Error('expected a rejection');
}

describe('createImageClient: generate', () => {
  it('sends one OpenAI request and returns the decoded image with its type, size and usage', async () => {
    const png = fakePng(1024, 1536);
    const { transport, requests } = scripted([
      json(
        200,
        imagesBody([png], {
          usage: {
            input_tokens: 10,
            output_tokens: 20,
            total_tokens: 30,
            input_tokens_details: { text_tokens: 10, image_tokens: 0 },
          },
        }),
        { 'x-request-id': 'req_1' },
      ),
    ]);
    const result = await client({ transport }).generate({
      prompt: 'a red fox',
      model: 'gpt-image-1.5',
      size: '1024x1536',
    });

    expect(requests).toHaveLength(1);
    const request = requests[0] as HttpRequest;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('https://api.openai.com/v1/images/generations');
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.timeoutMs).toBe(600_000);
    const body = bodyOf(request);
    expect(body).toMatchObject({ prompt: 'a red fox', model: 'gpt-image-1.5', size: '1024x1536' });
    expect(body).not.toHaveProperty('response_format');

    expect(result.provider).toBe('openai');
    expect(result.model).toBe('gpt-image-1.5');
    expect(result.created).toBe(1_700_000_000);
    expect(result.requestIds).toEqual(['req_1']);
    expect(result.usage).toEqual({
      inputTokens: 10,
      outputTokens: 20,
      totalTokens: 30,
      inputTextTokens: 10,
      inputImageTokens: 0,
    });
    expect(result.errors).toEqual([]);
    expect(result.sandbox).toBe(false);
    expect(result.images).toHaveLength(1);
    const [image] = result.images;
    expect(image?.index).toBe(0);
    expect(Buffer.from(image?.bytes ?? []).equals(Buffer.from(png))).toBe(true);
    expect(image).toMatchObject({ mimeType: 'image/png', extension: 'png', width: 1024, height: 1536 });
  });

  it('sends the default model when none is given', async () => {
    const { transport, requests } = scripted([json(200, imagesBody([fakePng(8, 8)]))]);
    const result = await client({ transport }).generate({ prompt: 'x' });
    expect(bodyOf(requests[0]).model).toBe('gpt-image-2');
    expect(result.model).toBe('gpt-image-2');
  });

  it('rejects an invalid request before any network call, naming the field', async () => {
    const { transport, requests } = scripted([]);
    const error = await rejection(
      client({ transport }).generate({ prompt: 'x', model: 'dall-e-2', size: '1792x1024' }),
    );
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain('1792x1024');
    expect(error.problems?.some((p) => p.field === 'size')).toBe(true);
    expect(requests).toHaveLength(0);
  });

  it('refuses a request that is not an object as such (null, a list), before any network call', async () => {
    const { transport, requests } = scripted([]);
    for (const input of [null, ['a fox'], 'a fox']) {
      const error = await rejection(client({ transport }).generate(input as never));
      expect(error.kind).toBe('invalid_request');
      expect(error.problems?.map((p) => p.field)).toEqual(['request']);
      expect(error.message).toMatch(/must be an object/);
      const edit = await rejection(client({ transport }).edit(input as never));
      expect(edit.problems?.map((p) => p.field)).toEqual(['request']);
    }
    expect(requests).toHaveLength(0);
  });

  it('rejects a missing API key before any network call, without a transport request', async () => {
    const { transport, requests } = scripted([]);
    const error = await rejection(
      createImageClient({ provider: { kind: 'openai', apiKey: '' }, transport }).generate({ prompt: 'x' }),
    );
    expect(error.kind).toBe('invalid_request');
    expect(error.problems?.[0]?.field).toBe('apiKey');
    expect(requests).toHaveLength(0);
  });

  it('retries a 429 after the server-advised retry-after and reports progress', async () => {
    const { sleep, delays } = recordingSleep();
    const events: ProgressEvent[] = [];
    const { transport, requests } = scripted([
      json(
        429,
        { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded', param: null } },
        {
          'retry-after': '2',
        },
      ),
      json(200, imagesBody([fakePng(4, 4)])),
    ]);
    const result = await createImageClient({ provider: openai, transport, sleep, random: () => 0 }).generate(
      { prompt: 'x' },
      { onProgress: (e) => events.push(e) },
    );
    expect(result.images).toHaveLength(1);
    expect(requests).toHaveLength(2);
    expect(delays).toEqual([2000]);
    expect(events.map((e) => e.type)).toEqual(['request', 'retry', 'request', 'image']);
    expect(events[1]).toMatchObject({ type: 'retry', call: 0, attempt: 2, delayMs: 2000 });
  });

  it('backs off exponentially with the injected random, then gives up after maxRetries', async () => {
    const { sleep, delays } = recordingSleep();
    const fail = () => json(503, { error: { message: 'overloaded', type: 'server_error', code: null, param: null } });
    const { transport, requests } = scripted([fail(), fail(), fail(), fail()]);
    const error = await rejection(
      createImageClient({ provider: openai, transport, sleep, random: () => 1 }).generate({ prompt: 'x' }),
    );
    expect(error.kind).toBe('server');
    expect(error.status).toBe(503);
    expect(requests).toHaveLength(3);
    // 0.5 s then 1 s, each minus 25 % jitter at random() = 1.
    expect(delays).toEqual([375, 750]);
  });

  it('honours maxRetries: 0', async () => {
    const { transport, requests } = scripted([new TransportError('network', 'reset', 'ECONNRESET')]);
    const error = await rejection(client({ transport, maxRetries: 0 }).generate({ prompt: 'x' }));
    expect(error.kind).toBe('network');
    expect(requests).toHaveLength(1);
  });

  it('does not retry a non-retryable error (401) and never puts the key in the error', async () => {
    const { transport, requests } = scripted([
      json(401, {
        error: {
          message: `Incorrect API key provided: ${KEY}.`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
          param: null,
        },
      }),
    ]);
    const error = await rejection(client({ transport }).generate({ prompt: 'x' }));
    expect(error.kind).toBe('authentication');
    expect(requests).toHaveLength(1);
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect(error.message).not.toContain(KEY);
  });

  it.each([
    ['an HTML page', raw(200, '<!DOCTYPE html><html><body>Bad gateway</body></html>', { 'content-type': 'text/html' })],
    ['truncated JSON', raw(200, '{"created": 1, "data": [{"b64_json": "iVBO')],
    ['JSON without data', json(200, { created: 1 })],
    ['an empty data array', json(200, { created: 1, data: [] })],
    ['data items without images', json(200, { created: 1, data: [{ foo: 1 }] })],
    ['a JSON array', json(200, [1, 2])],
    [
      'bytes that are not an image',
      json(200, { created: 1, data: [{ b64_json: b64(new TextEncoder().encode('hello world')) }] }),
    ],
  ])('turns %s into bad_response without retrying', async (_name, response) => {
    const { transport, requests } = scripted([response]);
    const error = await rejection(client({ transport }).generate({ prompt: 'x' }));
    expect(error.kind).toBe('bad_response');
    expect(requests).toHaveLength(1);
  });
});

describe('createImageClient: fan-out', () => {
  it('splits dall-e-3 n=3 into three n=1 calls and returns images in index order', async () => {
    const sizes = [
      [1024, 1024],
      [1792, 1024],
      [1024, 1792],
    ] as const;
    let call = 0;
    const { transport, requests } = scripted(async () => {
      const mine = call++;
      const [w, h] = sizes[mine] as readonly [number, number];
      // Answer in reverse order: the first call is the slowest.
      await new Promise((resolve) => setTimeout(resolve, (3 - mine) * 5));
      return json(200, imagesBody([fakePng(w, h)], { created: 1_700_000_000 + mine }), {
        'x-request-id': `req_${mine}`,
      });
    });
    const result = await client({ transport }).generate({ prompt: 'x', model: 'dall-e-3', n: 3 });
    expect(requests).toHaveLength(3);
    for (const request of requests) {
      expect(bodyOf(request)).toMatchObject({ n: 1, model: 'dall-e-3', response_format: 'b64_json' });
    }
    expect(result.images.map((i) => [i.index, i.width, i.height])).toEqual([
      [0, 1024, 1024],
      [1, 1792, 1024],
      [2, 1024, 1792],
    ]);
    expect(result.requestIds).toEqual(['req_0', 'req_1', 'req_2']);
    expect(result.created).toBe(1_700_000_000);
  });

  it('respects the concurrency bound', async () => {
    let inFlight = 0;
    let peak = 0;
    const { transport } = scripted(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return json(200, imagesBody([fakePng(4, 4)]));
    });
    const result = await client({ transport, concurrency: 2 }).generate({ prompt: 'x', model: 'dall-e-3', n: 5 });
    expect(result.images.map((i) => i.index)).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('returns the images that succeeded and the errors of the calls that failed', async () => {
    const { transport } = scripted((request, n) => {
      void request;
      return n === 1
        ? json(400, {
            error: {
              message: 'Your request was rejected by our safety system',
              type: 'invalid_request_error',
              code: 'content_policy_violation',
              param: null,
            },
          })
        : json(200, imagesBody([fakePng(4, 4)]));
    });
    const result = await client({ transport, concurrency: 1 }).generate({ prompt: 'x', model: 'dall-e-3', n: 3 });
    expect(result.images.map((i) => i.index)).toEqual([0, 2]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toBeInstanceOf(ImageError);
    expect(result.errors[0]).toMatchObject({ kind: 'content_policy', call: 1, indexes: [1] });
  });

  it('when no call succeeded, throws the first error saying how every call ended, costing every index', async () => {
    const { transport } = scripted(() =>
      json(404, {
        error: { message: 'model not found', type: 'invalid_request_error', code: 'model_not_found', param: null },
      }),
    );
    const error = await rejection(client({ transport }).generate({ prompt: 'x', model: 'dall-e-3', n: 2 }));
    expect(error.kind).toBe('model_not_found');
    expect(error.call).toBeUndefined();
    expect(error.indexes).toEqual([0, 1]);
    expect(error.message).toMatch(/All 2 calls of this request failed: 2 model not found \(404\)\.$/);
  });

  it('sends n as asked to a model of unknown family (one call)', async () => {
    const { transport, requests } = scripted([json(200, imagesBody([fakePng(4, 4), fakePng(4, 4), fakePng(4, 4)]))]);
    const result = await client({ transport }).generate({ prompt: 'x', model: 'flux-pro', n: 3 });
    expect(requests).toHaveLength(1);
    expect(bodyOf(requests[0]).n).toBe(3);
    expect(result.images.map((i) => i.index)).toEqual([0, 1, 2]);
  });
});

describe('createImageClient: cancellation', () => {
  it('cancels during a retry sleep: no further request', async () => {
    const controller = new AbortController();
    const { transport, requests } = scripted([
      json(500, { error: { message: 'boom', type: 'server_error', code: null, param: null } }),
    ]);
    const sleep = (_ms: number, signal?: AbortSignal) =>
      new Promise<void>((_, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        controller.abort();
      });
    const error = await rejection(
      createImageClient({ provider: openai, transport, sleep }).generate(
        { prompt: 'x' },
        { signal: controller.signal },
      ),
    );
    expect(error.kind).toBe('cancelled');
    expect(requests).toHaveLength(1);
  });

  it('cancels an in-flight request and every fan-out call at once', async () => {
    const controller = new AbortController();
    const { transport, requests } = scripted(() => 'hang');
    const pending = client({ transport }).generate(
      { prompt: 'x', model: 'dall-e-3', n: 3 },
      { signal: controller.signal },
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(requests).toHaveLength(3);
    expect(requests.every((r) => r.signal === controller.signal)).toBe(true);
    controller.abort();
    const error = await rejection(pending);
    expect(error.kind).toBe('cancelled');
  });

  it('does not send anything when the signal is already aborted', async () => {
    const { transport, requests } = scripted([]);
    const error = await rejection(client({ transport }).generate({ prompt: 'x' }, { signal: AbortSignal.abort() }));
    expect(error.kind).toBe('cancelled');
    expect(requests).toHaveLength(0);
  });
});

describe('createImageClient: URL results', () => {
  it('downloads URL images at once, without credentials', async () => {
    const png = fakePng(256, 256);
    const { transport, requests } = scripted([
      json(200, {
        created: 1,
        data: [{ url: 'https://blob.example.net/img/1.png?sig=secret', revised_prompt: 'a fox, red' }],
      }),
      raw(200, png, { 'content-type': 'image/png' }),
    ]);
    const events: ProgressEvent[] = [];
    const result = await client({ transport }).generate(
      { prompt: 'x', model: 'dall-e-2', size: '256x256', responseFormat: 'url' },
      { onProgress: (e) => events.push(e) },
    );
    expect(bodyOf(requests[0]).response_format).toBe('url');
    expect(requests[1]?.method).toBe('GET');
    expect(requests[1]?.url).toBe('https://blob.example.net/img/1.png?sig=secret');
    expect(requests[1]?.headers.authorization).toBeUndefined();
    expect(requests[1]?.headers['api-key']).toBeUndefined();
    expect(result.images[0]).toMatchObject({
      width: 256,
      height: 256,
      revisedPrompt: 'a fox, red',
      mimeType: 'image/png',
    });
    expect(events.some((e) => e.type === 'download')).toBe(true);
  });

  it('caps the download size', async () => {
    const { transport, requests } = scripted([
      json(200, { created: 1, data: [{ url: 'https://blob.example.net/big.png' }] }),
      raw(200, fakePng(64, 64, 5000)),
    ]);
    const error = await rejection(
      client({ transport, maxDownloadBytes: 1000 }).generate({ prompt: 'x', model: 'dall-e-2', responseFormat: 'url' }),
    );
    expect(error.kind).toBe('bad_response');
    expect(error.message).toContain('1000');
    expect(requests[1]?.maxResponseBytes).toBe(1000);
  });

  it('names maxDownloadBytes when the transport itself stops a download at the cap', async () => {
    const { transport } = scripted([
      json(200, { created: 1, data: [{ url: 'https://blob.example.net/big.png' }] }),
      new TransportError('bad_response', 'The response is larger than the 1000-byte limit', RESPONSE_TOO_LARGE),
    ]);
    const error = await rejection(
      client({ transport, maxDownloadBytes: 1000 }).generate({ prompt: 'x', model: 'dall-e-2', responseFormat: 'url' }),
    );
    expect(error.kind).toBe('bad_response');
    expect(error.message).toMatch(/1000-byte download limit \(maxDownloadBytes\)/);
  });

  it('explains an expired URL (403) and does not retry it', async () => {
    const { transport, requests } = scripted([
      json(200, { created: 1, data: [{ url: 'https://blob.example.net/old.png?sig=abc' }] }),
      raw(403, '<Error>AuthenticationFailed</Error>'),
    ]);
    const error = await rejection(
      client({ transport }).generate({ prompt: 'x', model: 'dall-e-2', responseFormat: 'url' }),
    );
    expect(error.kind).toBe('bad_response');
    expect(error.message).toMatch(/expired/);
    expect(error.code).toBe('url_expired');
    expect(error.message).not.toContain('sig=abc');
    expect(requests).toHaveLength(2);
  });

  it('retries a download that failed with 503 without generating again', async () => {
    const { sleep, delays } = recordingSleep();
    const { transport, requests } = scripted([
      json(200, { created: 1, data: [{ url: 'https://blob.example.net/a.png' }] }),
      raw(503, 'busy'),
      raw(200, fakePng(2, 2)),
    ]);
    const result = await createImageClient({ provider: openai, transport, sleep, random: () => 0 }).generate({
      prompt: 'x',
      model: 'dall-e-2',
      responseFormat: 'url',
    });
    expect(result.images).toHaveLength(1);
    expect(requests.map((r) => r.method)).toEqual(['POST', 'GET', 'GET']);
    expect(delays).toEqual([500]);
  });
});

describe('createImageClient: streaming', () => {
  it('turns SSE partial images into progress events and the completed event into the image', async () => {
    const partial = fakePng(16, 16);
    const final = fakePng(1024, 1024);
    const partialEvent = JSON.stringify({
      type: 'image_generation.partial_image',
      b64_json: b64(partial),
      partial_image_index: 0,
    });
    const completed = JSON.stringify({
      type: 'image_generation.completed',
      b64_json: b64(final),
      created_at: 1_700_000_123,
      usage: {
        input_tokens: 5,
        output_tokens: 100,
        total_tokens: 105,
        input_tokens_details: { text_tokens: 5, image_tokens: 0 },
      },
    });
    const stream = `event: image_generation.partial_image\r\ndata: ${partialEvent}\r\n\r\n: keep-alive\r\n\r\nevent: image_generation.completed\r\ndata: ${completed}\r\n\r\n`;
    const chunks = [stream.slice(0, 17), stream.slice(17, 200), stream.slice(200)];
    const { transport, requests } = scripted([sse(chunks)]);
    const events: ProgressEvent[] = [];
    const result = await client({ transport }).generate(
      { prompt: 'x', model: 'gpt-image-1.5', stream: true, partialImages: 1 },
      { onProgress: (e) => events.push(e) },
    );
    expect(requests[0]?.stream).toBe(true);
    expect(requests[0]?.headers.accept).toBe('text/event-stream');
    expect(bodyOf(requests[0])).toMatchObject({ stream: true, partial_images: 1 });
    const partials = events.filter((e) => e.type === 'partial_image');
    expect(partials).toHaveLength(1);
    expect(partials[0]).toMatchObject({ call: 0, index: 0, partialIndex: 0 });
    expect(Buffer.from((partials[0] as { bytes: Uint8Array }).bytes).equals(Buffer.from(partial))).toBe(true);
    expect(result.images).toHaveLength(1);
    expect(result.images[0]).toMatchObject({ width: 1024, height: 1024 });
    expect(result.created).toBe(1_700_000_123);
    expect(result.usage?.totalTokens).toBe(105);
  });

  it('a stream error event becomes an ImageError', async () => {
    const { transport } = scripted([
      sse([`event: error\ndata: ${JSON.stringify({ error: { message: 'refused', code: 'moderation_blocked' } })}\n\n`]),
    ]);
    const error = await rejection(
      client({ transport }).generate({ prompt: 'x', model: 'gpt-image-1.5', stream: true }),
    );
    expect(error.kind).toBe('content_policy');
  });

  it('a stream that ends without a completed image is a bad_response', async () => {
    const { transport } = scripted([sse(['data: {"type":"image_generation.partial_image","b64_json":"AAAA"}\n\n'])]);
    const error = await rejection(
      client({ transport }).generate({ prompt: 'x', model: 'gpt-image-1.5', stream: true }),
    );
    expect(error.kind).toBe('bad_response');
  });
});

describe('createImageClient: Azure', () => {
  it('deployment URL: api-key header, no model in the body, family from request.model', async () => {
    const { transport, requests } = scripted([
      json(
        200,
        {
          created: 2,
          data: [
            {
              b64_json: b64(fakePng(1024, 1024)),
              revised_prompt: 'rp',
              content_filter_results: { hate: { filtered: false, severity: 'safe' } },
            },
          ],
          prompt_filter_results: [
            { prompt_index: 0, content_filter_results: { jailbreak: { filtered: false, detected: false } } },
          ],
        },
        { 'apim-request-id': 'apim-1' },
      ),
    ]);
    const result = await createImageClient({
      provider: {
        kind: 'azure',
        endpoint: 'https://res.openai.azure.com/',
        deployment: 'my-dalle',
        apiVersion: '2024-10-21',
        apiKey: 'azkey',
      },
      transport,
    }).generate({ prompt: 'x', model: 'dall-e-3' });
    expect(requests[0]?.url).toBe(
      'https://res.openai.azure.com/openai/deployments/my-dalle/images/generations?api-version=2024-10-21',
    );
    expect(requests[0]?.headers['api-key']).toBe('azkey');
    expect(bodyOf(requests[0])).not.toHaveProperty('model');
    expect(result.requestIds).toEqual(['apim-1']);
    expect(result.images[0]?.contentFilterResults).toEqual({ hate: { filtered: false, severity: 'safe' } });
    expect(result.images[0]?.revisedPrompt).toBe('rp');
    expect(result.promptFilterResults).toEqual([
      { prompt_index: 0, content_filter_results: { jailbreak: { filtered: false, detected: false } } },
    ]);
    expect(result.model).toBe('dall-e-3');
  });

  it('reports missing Azure settings before any call', async () => {
    const { transport, requests } = scripted([]);
    const error = await rejection(
      createImageClient({ provider: { kind: 'azure', endpoint: 'https://res.openai.azure.com' }, transport }).generate({
        prompt: 'x',
      }),
    );
    expect(error.kind).toBe('invalid_request');
    expect(error.problems?.map((p) => p.field).sort()).toEqual(['apiKey', 'apiVersion', 'deployment']);
    expect(requests).toHaveLength(0);
  });
});

describe('createImageClient: listModels', () => {
  it('filters GET /models to image models', async () => {
    const { transport, requests } = scripted([
      json(200, {
        object: 'list',
        data: [
          { id: 'gpt-4o', object: 'model', owned_by: 'openai' },
          { id: 'gpt-image-2', object: 'model', owned_by: 'system', created: 5 },
          { id: 'dall-e-3', object: 'model', owned_by: 'system' },
          { id: 'whisper-1', object: 'model' },
        ],
      }),
    ]);
    const models = await client({ transport }).listModels();
    expect(requests[0]?.url).toBe('https://api.openai.com/v1/models');
    expect(requests[0]?.method).toBe('GET');
    expect(models).toEqual([
      { id: 'dall-e-3', ownedBy: 'system', family: 'dall-e-3' },
      { id: 'gpt-image-2', ownedBy: 'system', created: 5, family: 'gpt-image-2' },
    ]);
  });

  it('Azure returns the configured deployment without a call', async () => {
    const { transport, requests } = scripted([]);
    const models = await createImageClient({
      provider: {
        kind: 'azure',
        endpoint: 'https://r.openai.azure.com',
        deployment: 'dall-e-3',
        apiVersion: 'v',
        apiKey: 'k',
      },
      transport,
    }).listModels();
    expect(models).toEqual([{ id: 'dall-e-3', family: 'dall-e-3' }]);
    expect(requests).toHaveLength(0);
  });
});
