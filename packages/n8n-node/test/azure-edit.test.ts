import { multipartBoundary, parseMultipart, readImageSize, sniffImageType } from '@brushwork/core';
import type { INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { searchModels } from '../nodes/Brushwork/v1/methods/listSearch';
import { BrushworkV1 } from '../nodes/Brushwork/v1/BrushworkV1.node';
import {
  AZURE_CREDENTIALS,
  binaryOf,
  bytesOf,
  createContext,
  jsonBody,
  jsonResponse,
  OPENAI_CREDENTIALS,
  pngBase64,
  sandboxResponder,
  type ContextSetup,
} from './context';

const node = new BrushworkV1();

async function run(setup: ContextSetup) {
  const { context, calls } = createContext(setup);
  const [output] = await node.execute.call(context);
  return { output: output as INodeExecutionData[], calls };
}

describe('Azure OpenAI credential', () => {
  it('calls the deployment URL with the api-version, signs with the Azure credential and keeps the filter results', async () => {
    const { output, calls } = await run({
      parameters: {
        operation: 'generate',
        provider: 'azure',
        deployment: 'my-gpt-image',
        model: { __rl: true, mode: 'list', value: 'gpt-image-2' },
        prompt: 'A harbour at night',
        n: 2,
        size: '1024x1024',
        quality: 'medium',
      },
      credentials: { brushworkAzureOpenAiApi: AZURE_CREDENTIALS },
      respond: () =>
        jsonResponse(
          200,
          {
            created: 1_785_000_100,
            data: [0, 1].map(() => ({
              b64_json: pngBase64(1024, 1024),
              content_filter_results: { violence: { filtered: false, severity: 'safe' } },
            })),
            usage: { input_tokens: 12, output_tokens: 400, total_tokens: 412 },
          },
          { 'apim-request-id': 'azure-req-1' },
        ),
    });
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.credentialType).toBe('brushworkAzureOpenAiApi');
    expect(call.options.url).toBe(
      `${AZURE_CREDENTIALS.endpoint}/openai/deployments/my-gpt-image/images/generations?api-version=2025-04-01-preview`,
    );
    const headerNames = Object.keys(call.options.headers ?? {}).map((name) => name.toLowerCase());
    expect(headerNames).not.toContain('api-key');
    expect(JSON.stringify(call.options)).not.toContain(AZURE_CREDENTIALS.apiKey as string);
    const body = jsonBody(call);
    expect(body.model).toBeUndefined();
    expect(body).toMatchObject({ prompt: 'A harbour at night', n: 2, size: '1024x1024', quality: 'medium' });
    expect(output).toHaveLength(2);
    expect(output[0]?.json).toMatchObject({
      provider: 'azure',
      usage: { inputTokens: 12, outputTokens: 400, totalTokens: 412 },
      contentFilterResults: { violence: { filtered: false, severity: 'safe' } },
      requestIds: ['azure-req-1'],
    });
  });

  it('a missing deployment is caught before any call, naming the Deployment field', async () => {
    const { context, calls } = createContext({
      parameters: {
        operation: 'generate',
        provider: 'azure',
        deployment: '',
        model: { __rl: true, mode: 'list', value: 'gpt-image-2' },
        prompt: 'A harbour',
      },
      credentials: { brushworkAzureOpenAiApi: AZURE_CREDENTIALS },
      respond: () => jsonResponse(500, {}),
    });
    const error = (await node.execute.call(context).catch((caught: unknown) => caught)) as NodeOperationError;
    expect(calls).toHaveLength(0);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.description).toContain('Deployment');
  });
});

describe('Edit Image', () => {
  const base = OPENAI_CREDENTIALS.url as string;
  const photo = Buffer.from(pngBase64(256, 256), 'base64');
  const mask = Buffer.from(pngBase64(256, 256), 'base64');

  it('sends the binaries of the incoming item (and the mask) as multipart, and outputs the edited images', async () => {
    const { output, calls } = await run({
      parameters: {
        operation: 'edit',
        provider: 'openai',
        model: { __rl: true, mode: 'list', value: 'gpt-image-2' },
        prompt: 'Add a red scarf',
        imageProperties: 'photo, second',
        maskProperty: 'mask',
        n: 1,
        size: '1024x1024',
        inputFidelity: 'high',
        outputFormat: 'webp',
      },
      items: [
        {
          json: {},
          binary: {
            photo: binaryOf(photo, 'fox.png', 'image/png'),
            second: binaryOf(photo, 'scarf.png', 'image/png'),
            mask: binaryOf(mask, 'mask.png', 'image/png'),
          },
        },
      ],
      credentials: { brushworkOpenAiApi: OPENAI_CREDENTIALS },
      respond: sandboxResponder(base),
    });
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.options.url).toBe(`${base}/images/edits`);
    const contentType = String(
      Object.entries(call.options.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1],
    );
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    const parts = parseMultipart(new Uint8Array(call.options.body as Buffer), multipartBoundary(contentType) ?? '');
    const names = parts.map((part) => part.name);
    expect(names.filter((name) => name === 'image[]' || name === 'image')).toHaveLength(2);
    expect(names).toContain('mask');
    expect(names).toContain('input_fidelity');
    expect(parts.find((part) => part.filename === 'fox.png')).toBeDefined();
    expect(output).toHaveLength(1);
    const bytes = bytesOf(output[0]!);
    expect(sniffImageType(bytes)?.mimeType).toBe('image/webp');
    expect(readImageSize(bytes)).toEqual({ width: 1024, height: 1024 });
    expect(output[0]?.json.prompt).toBe('Add a red scarf');
    expect(output[0]?.pairedItem).toEqual({ item: 0 });
  });

  it('a missing binary property fails that item with its index, before any call', async () => {
    const { context, calls } = createContext({
      parameters: {
        operation: 'edit',
        provider: 'openai',
        model: { __rl: true, mode: 'list', value: 'gpt-image-2' },
        prompt: 'Add a hat',
        imageProperties: 'data',
        maskProperty: '',
      },
      items: [{ json: {}, binary: { data: binaryOf(photo, 'a.png', 'image/png') } }, { json: {} }],
      credentials: { brushworkOpenAiApi: OPENAI_CREDENTIALS },
      continueOnFail: true,
      respond: sandboxResponder(base),
    });
    const [output] = await node.execute.call(context);
    expect(calls).toHaveLength(1);
    expect(output?.[0]?.binary?.data).toBeDefined();
    expect(output?.[1]?.pairedItem).toEqual({ item: 1 });
    expect(String(output?.[1]?.json.error)).toContain("binary file 'data'");
  });

  it('DALL-E 3 cannot edit: the core says so before any call', async () => {
    const { context, calls } = createContext({
      parameters: {
        operation: 'edit',
        provider: 'openai',
        model: { __rl: true, mode: 'id', value: 'dall-e-3' },
        prompt: 'Add a hat',
        imageProperties: 'data',
        maskProperty: '',
      },
      items: [{ json: {}, binary: { data: binaryOf(photo, 'a.png', 'image/png') } }],
      credentials: { brushworkOpenAiApi: OPENAI_CREDENTIALS },
      respond: sandboxResponder(base),
    });
    const error = (await node.execute.call(context).catch((caught: unknown) => caught)) as NodeOperationError;
    expect(calls).toHaveLength(0);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toMatch(/cannot edit/);
  });
});

describe('model list', () => {
  it('lists the image models of the credential, the default model first, filtered by the search', async () => {
    const base = OPENAI_CREDENTIALS.url as string;
    const { loadOptionsContext, calls } = createContext({
      parameters: { provider: 'openai' },
      credentials: { brushworkOpenAiApi: OPENAI_CREDENTIALS },
      respond: sandboxResponder(base),
    });
    const all = await searchModels.call(loadOptionsContext);
    expect(calls[0]?.options.url).toBe(`${base}/models`);
    expect(calls[0]?.credentialType).toBe('brushworkOpenAiApi');
    const ids = all.results.map((result) => result.value);
    expect(ids[0]).toBe('gpt-image-2');
    expect(ids).toContain('dall-e-3');
    expect(ids).not.toContain('text-embedding-3-small');
    const filtered = await searchModels.call(loadOptionsContext, 'dall');
    expect(filtered.results.map((result) => result.value).sort()).toEqual(['dall-e-2', 'dall-e-3']);
  });

  it('the sandbox lists models without a credential', async () => {
    const { loadOptionsContext, calls } = createContext({ parameters: { provider: 'sandbox' } });
    const { results } = await searchModels.call(loadOptionsContext);
    expect(calls).toHaveLength(0);
    expect(results.map((result) => result.value)).toContain('gpt-image-2');
  });
});
