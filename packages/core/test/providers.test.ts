import { describe, expect, it } from 'vitest';
import { familyById } from '../src/models/index.js';
import { azureEndpoint } from '../src/providers/azure.js';
import { type BuildContext, providerFor } from '../src/providers/index.js';
import { SANDBOX_BASE_URL } from '../src/sandbox/index.js';
import type { EditRequest, ImageRequest, ProviderConfig } from '../src/types.js';
import { fakePng } from './scripted-transport.js';

const gptImage = familyById('gpt-image');
const dallE2 = familyById('dall-e-2');
const dallE3 = familyById('dall-e-3');

const json = (body: unknown) => JSON.parse(String(body));

// The builders of the provider bound to a configuration, as the client calls them.
const buildGenerate = (config: ProviderConfig, request: ImageRequest, ctx?: BuildContext) =>
  providerFor(config).buildGenerate(request, ctx);
const buildEdit = (config: ProviderConfig, request: EditRequest, ctx?: BuildContext) =>
  providerFor(config).buildEdit(request, ctx);
const buildListModels = (config: ProviderConfig) => providerFor(config).buildListModels?.();

/** Parses multipart bytes back into parts (independent of the encoder). */
function parseMultipart(body: Uint8Array, contentType: string) {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  if (!boundary) throw new Error('no boundary');
  const text = Buffer.from(body).toString('latin1');
  expect(text.endsWith(`--${boundary}--\r\n`)).toBe(true);
  return text
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((section) => {
      expect(section.startsWith('\r\n')).toBe(true);
      expect(section.endsWith('\r\n')).toBe(true);
      const inner = section.slice(2, -2);
      const split = inner.indexOf('\r\n\r\n');
      const head = inner.slice(0, split);
      const data = Buffer.from(inner.slice(split + 4), 'latin1');
      const name = /name="([^"]*)"/.exec(head)?.[1];
      const filename = /filename="([^"]*)"/.exec(head)?.[1];
      const type = /Content-Type: (.+)/.exec(head)?.[1];
      return { name, filename, type, data };
    });
}

describe('OpenAI provider', () => {
  const config = { kind: 'openai', apiKey: 'sk-abc', organization: 'org-1', project: 'proj-1' } as const;

  it('builds the generation request: URL, headers, snake_case body', () => {
    const request = buildGenerate(
      config,
      {
        prompt: 'a fox',
        model: 'gpt-image-1.5',
        n: 2,
        size: '1536x1024',
        quality: 'high',
        background: 'transparent',
        moderation: 'low',
        outputFormat: 'webp',
        outputCompression: 80,
        user: 'u-1',
        responseFormat: 'b64_json',
      },
      { family: gptImage },
    );
    expect(request.method).toBe('POST');
    expect(request.url).toBe('https://api.openai.com/v1/images/generations');
    expect(request.headers).toEqual({
      authorization: 'Bearer sk-abc',
      'openai-organization': 'org-1',
      'openai-project': 'proj-1',
      'content-type': 'application/json',
      accept: 'application/json',
    });
    // GPT image models never get response_format.
    expect(json(request.body)).toEqual({
      prompt: 'a fox',
      model: 'gpt-image-1.5',
      n: 2,
      size: '1536x1024',
      quality: 'high',
      background: 'transparent',
      moderation: 'low',
      output_format: 'webp',
      output_compression: 80,
      user: 'u-1',
    });
    expect(request.stream).toBeUndefined();
  });

  it('handles base URLs with trailing slashes and adds stream fields', () => {
    const request = buildGenerate(
      { kind: 'openai', apiKey: 'k', baseUrl: 'https://proxy.example.com/v1///' },
      { prompt: 'p', model: 'gpt-image-2', stream: true, partialImages: 2 },
      { family: familyById('gpt-image-2') },
    );
    expect(request.url).toBe('https://proxy.example.com/v1/images/generations');
    expect(request.headers).toEqual({
      authorization: 'Bearer k',
      'content-type': 'application/json',
      accept: 'text/event-stream',
    });
    expect(request.stream).toBe(true);
    expect(json(request.body)).toEqual({ prompt: 'p', model: 'gpt-image-2', stream: true, partial_images: 2 });
  });

  it('asks DALL-E for b64_json unless the caller chose, and maps style', () => {
    const body = json(
      buildGenerate(config, { prompt: 'p', model: 'dall-e-3', style: 'natural' }, { family: dallE3 }).body,
    );
    expect(body).toEqual({ prompt: 'p', model: 'dall-e-3', style: 'natural', response_format: 'b64_json' });
    const url = json(
      buildGenerate(config, { prompt: 'p', model: 'dall-e-3', responseFormat: 'url' }, { family: dallE3 }).body,
    );
    expect(url.response_format).toBe('url');
  });

  it('passes response_format through for unknown models', () => {
    expect(json(buildGenerate(config, { prompt: 'p', model: 'flux' }).body)).toEqual({
      prompt: 'p',
      model: 'flux',
    });
    expect(json(buildGenerate(config, { prompt: 'p', model: 'flux', responseFormat: 'url' }).body)).toEqual({
      prompt: 'p',
      model: 'flux',
      response_format: 'url',
    });
    // An unknown id that looks like a GPT image model still never gets response_format.
    expect(
      json(buildGenerate(config, { prompt: 'p', model: 'gpt-image-9', responseFormat: 'url' }).body),
    ).not.toHaveProperty('response_format');
  });

  it('builds the edit request as multipart with image[] for GPT image models', () => {
    const one = fakePng(64, 64);
    const two = fakePng(32, 32);
    const mask = fakePng(64, 64);
    const edit: EditRequest = {
      prompt: 'add a hat',
      model: 'gpt-image-1.5',
      images: [{ bytes: one }, { bytes: two, filename: 'b "quoted".png' }],
      mask: { bytes: mask },
      inputFidelity: 'high',
      size: '1024x1024',
      n: 1,
    };
    const request = buildEdit(config, edit, { family: gptImage, boundary: 'test-boundary-123' });
    expect(request.url).toBe('https://api.openai.com/v1/images/edits');
    expect(request.headers['content-type']).toBe('multipart/form-data; boundary=test-boundary-123');
    expect(request.headers.authorization).toBe('Bearer sk-abc');
    const parts = parseMultipart(request.body as Uint8Array, request.headers['content-type'] as string);
    expect(parts.map((p) => [p.name, p.filename, p.type])).toEqual([
      ['image[]', 'image-1.png', 'image/png'],
      ['image[]', 'b %22quoted%22.png', 'image/png'],
      ['mask', 'mask.png', 'image/png'],
      ['prompt', undefined, undefined],
      ['model', undefined, undefined],
      ['n', undefined, undefined],
      ['size', undefined, undefined],
      ['input_fidelity', undefined, undefined],
    ]);
    expect(parts[0]?.data.equals(Buffer.from(one))).toBe(true);
    expect(parts[1]?.data.equals(Buffer.from(two))).toBe(true);
    expect(parts[2]?.data.equals(Buffer.from(mask))).toBe(true);
    expect(parts.slice(3).map((p) => p.data.toString())).toEqual([
      'add a hat',
      'gpt-image-1.5',
      '1',
      '1024x1024',
      'high',
    ]);
  });

  it('sends one `image` for DALL-E 2 edits, with response_format', () => {
    const request = buildEdit(
      config,
      { prompt: 'p', model: 'dall-e-2', images: [{ bytes: fakePng(256, 256) }] },
      { family: dallE2, boundary: 'b' },
    );
    const parts = parseMultipart(request.body as Uint8Array, request.headers['content-type'] as string);
    expect(parts.map((p) => p.name)).toEqual(['image', 'prompt', 'model', 'response_format']);
    expect(parts[3]?.data.toString()).toBe('b64_json');
  });

  it('lists models with GET /models', () => {
    expect(buildListModels(config)).toEqual({
      method: 'GET',
      url: 'https://api.openai.com/v1/models',
      headers: {
        authorization: 'Bearer sk-abc',
        'openai-organization': 'org-1',
        'openai-project': 'proj-1',
        accept: 'application/json',
      },
    });
  });
});

describe('Azure provider', () => {
  const base = {
    kind: 'azure',
    endpoint: 'https://res.openai.azure.com/',
    deployment: 'my image',
    apiVersion: '2025-04-01-preview',
    apiKey: 'az-key',
  } as const;

  it('deployment path: URL with api-version, api-key header, no model in the body', () => {
    const request = buildGenerate(
      base,
      { prompt: 'p', model: 'gpt-image-1', size: '1024x1024', quality: 'low' },
      { family: gptImage },
    );
    expect(request.url).toBe(
      'https://res.openai.azure.com/openai/deployments/my%20image/images/generations?api-version=2025-04-01-preview',
    );
    expect(request.headers).toEqual({
      'api-key': 'az-key',
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(json(request.body)).toEqual({ prompt: 'p', size: '1024x1024', quality: 'low' });
  });

  it('v1 path: deployment sent as model, api-version optional', () => {
    const v1 = {
      kind: 'azure',
      endpoint: 'https://res.openai.azure.com/openai/v1/',
      deployment: 'gpt-image-1',
      api: 'v1',
      apiKey: 'k',
    } as const;
    const request = buildGenerate(v1, { prompt: 'p' }, { family: gptImage });
    expect(request.url).toBe('https://res.openai.azure.com/openai/v1/images/generations');
    expect(json(request.body)).toEqual({ prompt: 'p', model: 'gpt-image-1' });
    const preview = buildGenerate({ ...v1, apiVersion: 'preview' }, { prompt: 'p' });
    expect(preview.url).toBe('https://res.openai.azure.com/openai/v1/images/generations?api-version=preview');
  });

  it('edits on the deployment path', () => {
    const request = buildEdit(
      base,
      { prompt: 'p', images: [{ bytes: fakePng(8, 8) }] },
      { family: gptImage, boundary: 'bb' },
    );
    expect(request.url).toBe(
      'https://res.openai.azure.com/openai/deployments/my%20image/images/edits?api-version=2025-04-01-preview',
    );
    expect(request.headers['api-key']).toBe('az-key');
  });

  it('normalises pasted endpoints', () => {
    expect(azureEndpoint('https://r.openai.azure.com/openai/')).toBe('https://r.openai.azure.com');
    expect(azureEndpoint('https://r.openai.azure.com')).toBe('https://r.openai.azure.com');
  });

  it('family: from request.model on the deployment path, from the deployment on v1', () => {
    const deployment = providerFor(base);
    expect(deployment.familyFor({ prompt: 'p' })).toBeUndefined();
    expect(deployment.familyFor({ prompt: 'p', model: 'dall-e-3' })?.id).toBe('dall-e-3');
    const v1 = providerFor({ ...base, deployment: 'dall-e-3', api: 'v1' });
    expect(v1.familyFor({ prompt: 'p' })?.id).toBe('dall-e-3');
  });
});

describe('sandbox provider', () => {
  it('speaks the OpenAI wire format to SANDBOX_BASE_URL without credentials', () => {
    const request = buildGenerate({ kind: 'sandbox' }, { prompt: 'p', model: 'gpt-image-2' });
    expect(request.url).toBe(`${SANDBOX_BASE_URL}/images/generations`);
    expect(request.headers).toEqual({ 'content-type': 'application/json', accept: 'application/json' });
    expect(json(request.body)).toEqual({ prompt: 'p', model: 'gpt-image-2' });
  });

  it('reports config problems for each provider', () => {
    expect(providerFor({ kind: 'sandbox' }).configProblems()).toEqual([]);
    expect(
      providerFor({ kind: 'openai', apiKey: ' ' })
        .configProblems()
        .map((p) => p.field),
    ).toEqual(['apiKey']);
    expect(
      providerFor({ kind: 'openai', apiKey: 'k', baseUrl: 'ftp://x' })
        .configProblems()
        .map((p) => p.field),
    ).toEqual(['baseUrl']);
    expect(
      providerFor({ kind: 'azure', endpoint: 'https://r.openai.azure.com', deployment: 'd', apiVersion: 'v' })
        .configProblems()
        .map((p) => p.field),
    ).toEqual(['apiKey']);
    expect(() => providerFor({ kind: 'nope' } as never)).toThrow(/openai, azure or sandbox/);
  });
});
