import { describe, expect, it } from 'vitest';
import { familyById } from '../src/models/families.js';
import {
  azureEndpoint,
  buildAzureEdit,
  buildAzureGenerate,
  buildAzureLegacyPoll,
  buildAzureLegacySubmit,
  buildCompatibleEdit,
  buildCompatibleGenerate,
  buildCompatibleListModels,
  buildOpenAIEdit,
  buildOpenAIGenerate,
  buildOpenAIListModels,
  buildSandboxGenerate,
  providerFor,
  readOperation,
} from '../src/providers/index.js';
import { SANDBOX_BASE_URL } from '../src/sandbox/index.js';
import type { EditRequest } from '../src/types.js';
import { fakePng } from './scripted-transport.js';

const gptImage = familyById('gpt-image');
const dallE2 = familyById('dall-e-2');
const dallE3 = familyById('dall-e-3');

const json = (body: unknown) => JSON.parse(String(body));

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
    const request = buildOpenAIGenerate(
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
    const request = buildOpenAIGenerate(
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
      buildOpenAIGenerate(config, { prompt: 'p', model: 'dall-e-3', style: 'natural' }, { family: dallE3 }).body,
    );
    expect(body).toEqual({ prompt: 'p', model: 'dall-e-3', style: 'natural', response_format: 'b64_json' });
    const url = json(
      buildOpenAIGenerate(config, { prompt: 'p', model: 'dall-e-3', responseFormat: 'url' }, { family: dallE3 }).body,
    );
    expect(url.response_format).toBe('url');
  });

  it('passes response_format through for unknown models', () => {
    expect(json(buildOpenAIGenerate(config, { prompt: 'p', model: 'flux' }).body)).toEqual({
      prompt: 'p',
      model: 'flux',
    });
    expect(json(buildOpenAIGenerate(config, { prompt: 'p', model: 'flux', responseFormat: 'url' }).body)).toEqual({
      prompt: 'p',
      model: 'flux',
      response_format: 'url',
    });
    // An unknown id that looks like a GPT image model still never gets response_format.
    expect(
      json(buildOpenAIGenerate(config, { prompt: 'p', model: 'gpt-image-9', responseFormat: 'url' }).body),
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
    const request = buildOpenAIEdit(config, edit, { family: gptImage, boundary: 'test-boundary-123' });
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
    const request = buildOpenAIEdit(
      config,
      { prompt: 'p', model: 'dall-e-2', images: [{ bytes: fakePng(256, 256) }] },
      { family: dallE2, boundary: 'b' },
    );
    const parts = parseMultipart(request.body as Uint8Array, request.headers['content-type'] as string);
    expect(parts.map((p) => p.name)).toEqual(['image', 'prompt', 'model', 'response_format']);
    expect(parts[3]?.data.toString()).toBe('b64_json');
  });

  it('lists models with GET /models', () => {
    expect(buildOpenAIListModels(config)).toEqual({
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

describe('compatible provider', () => {
  it('uses the base URL, the optional key and extra headers (lower-cased)', () => {
    const config = {
      kind: 'compatible',
      baseUrl: 'http://localhost:8080/v1/',
      apiKey: 'local-key',
      headers: { 'X-Tenant': 't1', 'Content-Type': 'text/plain' },
    } as const;
    const request = buildCompatibleGenerate(config, { prompt: 'p', model: 'dall-e-2' }, { family: dallE2 });
    expect(request.url).toBe('http://localhost:8080/v1/images/generations');
    expect(request.headers).toEqual({
      'x-tenant': 't1',
      authorization: 'Bearer local-key',
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(buildCompatibleListModels(config).url).toBe('http://localhost:8080/v1/models');
    const edit = buildCompatibleEdit(config, { prompt: 'p', images: [{ bytes: fakePng(8, 8) }] }, { boundary: 'x' });
    expect(edit.url).toBe('http://localhost:8080/v1/images/edits');
    expect(edit.headers['content-type']).toBe('multipart/form-data; boundary=x');
  });

  it('sends no authorization without a key', () => {
    const request = buildCompatibleGenerate(
      { kind: 'compatible', baseUrl: 'http://h/v1' },
      { prompt: 'p', model: 'm' },
    );
    expect(request.headers.authorization).toBeUndefined();
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
    const request = buildAzureGenerate(
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

  it('bearer token (Entra ID) replaces the api-key header', () => {
    const request = buildAzureGenerate({ ...base, apiKey: undefined }, { prompt: 'p' }, { token: 'eyJ.tok' });
    expect(request.headers.authorization).toBe('Bearer eyJ.tok');
    expect(request.headers['api-key']).toBeUndefined();
  });

  it('v1 path: deployment sent as model, api-version optional', () => {
    const v1 = {
      kind: 'azure',
      endpoint: 'https://res.openai.azure.com/openai/v1/',
      deployment: 'gpt-image-1',
      api: 'v1',
      apiKey: 'k',
    } as const;
    const request = buildAzureGenerate(v1, { prompt: 'p' }, { family: gptImage });
    expect(request.url).toBe('https://res.openai.azure.com/openai/v1/images/generations');
    expect(json(request.body)).toEqual({ prompt: 'p', model: 'gpt-image-1' });
    const preview = buildAzureGenerate({ ...v1, apiVersion: 'preview' }, { prompt: 'p' });
    expect(preview.url).toBe('https://res.openai.azure.com/openai/v1/images/generations?api-version=preview');
  });

  it('edits on the deployment path', () => {
    const request = buildAzureEdit(
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

describe('Azure legacy provider', () => {
  const config = {
    kind: 'azure-legacy',
    endpoint: 'https://res.openai.azure.com',
    apiVersion: '2023-06-01-preview',
    apiKey: 'k',
  } as const;

  it('submits to images/generations:submit with only the DALL-E 2 fields', () => {
    const request = buildAzureLegacySubmit(config, {
      prompt: 'p',
      n: 2,
      size: '512x512',
      user: 'u',
      model: 'dall-e-2',
    });
    expect(request.url).toBe(
      'https://res.openai.azure.com/openai/images/generations:submit?api-version=2023-06-01-preview',
    );
    expect(request.headers).toEqual({ 'api-key': 'k', 'content-type': 'application/json', accept: 'application/json' });
    expect(json(request.body)).toEqual({ prompt: 'p', n: 2, size: '512x512', user: 'u' });
  });

  it('polls the operation URL with the same credentials', () => {
    const url = 'https://res.openai.azure.com/openai/operations/images/abc?api-version=2023-06-01-preview';
    expect(buildAzureLegacyPoll(config, url)).toEqual({
      method: 'GET',
      url,
      headers: { 'api-key': 'k', accept: 'application/json' },
    });
    const provider = providerFor(config);
    expect(provider.operation?.isTrustedUrl(url)).toBe(true);
    expect(provider.operation?.isTrustedUrl('https://elsewhere.example.com/op')).toBe(false);
    expect(provider.operation?.maxPollMs).toBe(300_000);
    expect(provider.buildEdit).toBeUndefined();
  });

  it('reads operation states', () => {
    expect(readOperation({ status: 'notRunning' })).toEqual({ status: 'pending', raw: 'notRunning' });
    expect(readOperation({ status: 'running' })).toEqual({ status: 'pending', raw: 'running' });
    expect(readOperation({ status: 'succeeded', result: { data: [] } })).toEqual({
      status: 'succeeded',
      result: { data: [] },
    });
    const failed = readOperation({ status: 'failed', error: { code: 'x', message: 'broke' } });
    expect(failed.status).toBe('failed');
    expect(failed.status === 'failed' && failed.error.message).toContain('broke');
    const canceled = readOperation({ status: 'canceled' });
    expect(canceled.status === 'canceled' && canceled.error.kind).toBe('cancelled');
    expect(() => readOperation('nope')).toThrow(/status/);
  });
});

describe('sandbox provider', () => {
  it('speaks the OpenAI wire format to SANDBOX_BASE_URL without credentials', () => {
    const request = buildSandboxGenerate({ prompt: 'p', model: 'gpt-image-2' });
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
      providerFor({ kind: 'compatible', baseUrl: 'ftp://x' })
        .configProblems()
        .map((p) => p.field),
    ).toEqual(['baseUrl']);
    expect(() => providerFor({ kind: 'nope' } as never)).toThrow(/openai, compatible, azure/);
  });
});
