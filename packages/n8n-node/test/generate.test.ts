import { readImageSize, resolveFamily, sniffImageType } from '@brushwork/core';
import type { INodeExecutionData } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { Brushwork } from '../nodes/Brushwork/Brushwork.node';
import { BrushworkV1 } from '../nodes/Brushwork/v1/BrushworkV1.node';
import {
  bytesOf,
  createContext,
  jsonBody,
  jsonResponse,
  pngBase64,
  OPENAI_CREDENTIALS,
  sandboxResponder,
  type ContextSetup,
} from './context';

const node = new BrushworkV1();

async function run(setup: ContextSetup) {
  const { context, calls } = createContext(setup);
  const [output] = await node.execute.call(context);
  return { output: output as INodeExecutionData[], calls };
}

const FILE_NAME = /^\d{8}-\d{6}-[a-z0-9-]+-\d+\.(png|jpg|webp)$/;

describe('Generate Image: sandbox provider (no credential, no HTTP)', () => {
  it('makes one output item per image, paired to its input, with decodable PNG binaries', async () => {
    const { output, calls } = await run({
      parameters: {
        operation: 'generate',
        provider: 'sandbox',
        model: { __rl: true, mode: 'list', value: 'gpt-image-2' },
        n: 2,
        size: '1024x1536',
        quality: 'low',
      },
      perItem: (name, i) => (name === 'prompt' ? `A red fox number ${i}` : undefined),
      items: [{ json: {} }, { json: {} }, { json: {} }],
    });
    expect(calls).toHaveLength(0);
    expect(output).toHaveLength(6);
    expect(output.map((item) => item.pairedItem)).toEqual([
      { item: 0 },
      { item: 0 },
      { item: 1 },
      { item: 1 },
      { item: 2 },
      { item: 2 },
    ]);
    output.forEach((item, position) => {
      const itemIndex = Math.floor(position / 2);
      const bytes = bytesOf(item);
      expect(sniffImageType(bytes)).toEqual({ mimeType: 'image/png', extension: 'png' });
      expect(readImageSize(bytes)).toEqual({ width: 1024, height: 1536 });
      const binary = item.binary?.data;
      expect(binary?.mimeType).toBe('image/png');
      expect(binary?.fileExtension).toBe('png');
      expect(binary?.fileName).toMatch(FILE_NAME);
      expect(binary?.fileName).toContain(`a-red-fox-number-${itemIndex}-${(position % 2) + 1}.png`);
      expect(item.json).toMatchObject({
        prompt: `A red fox number ${itemIndex}`,
        revisedPrompt: null,
        model: 'gpt-image-2',
        size: '1024x1536',
        quality: 'low',
        index: position % 2,
        provider: 'sandbox',
        sandbox: true,
      });
      expect(typeof item.json.created).toBe('number');
      expect(item.json).toHaveProperty('usage');
    });
  });

  it.each([
    ['jpeg', 'image/jpeg', 'jpg'],
    ['webp', 'image/webp', 'webp'],
    ['png', 'image/png', 'png'],
  ])('output format %s gives %s binaries named .%s', async (outputFormat, mimeType, extension) => {
    const { output } = await run({
      parameters: {
        operation: 'generate',
        provider: 'sandbox',
        model: { __rl: true, mode: 'id', value: 'gpt-image-2' },
        prompt: 'A lighthouse at dusk',
        size: 'custom',
        customSize: '768x512',
        outputFormat,
        outputCompression: 80,
        binaryPropertyName: 'picture',
      },
    });
    expect(output).toHaveLength(1);
    const item = output[0] as INodeExecutionData;
    expect(item.binary?.data).toBeUndefined();
    const binary = item.binary?.picture;
    expect(binary?.mimeType).toBe(mimeType);
    expect(binary?.fileExtension).toBe(extension);
    expect(binary?.fileName?.endsWith(`.${extension}`)).toBe(true);
    const bytes = bytesOf(item, 'picture');
    expect(sniffImageType(bytes)?.mimeType).toBe(mimeType);
    expect(readImageSize(bytes)).toEqual({ width: 768, height: 512 });
    expect(item.json.size).toBe('768x512');
  });

  it('the versioned node exposes version 1 as the default, usable as a tool', () => {
    const versioned = new Brushwork();
    expect(versioned.currentVersion).toBe(1);
    const v1 = versioned.getNodeType(1);
    expect(v1.description.usableAsTool).toBe(true);
    expect(v1.description.name).toBe('brushwork');
    expect(typeof v1.execute).toBe('function');
  });
});

describe('Generate Image: OpenAI credential, HTTP through n8n helpers', () => {
  const base = OPENAI_CREDENTIALS.url as string;
  const credentials = { brushworkOpenAiApi: OPENAI_CREDENTIALS };

  it('sends every call through httpRequestWithAuthentication with the n8n credential and no key of its own', async () => {
    const { output, calls } = await run({
      parameters: {
        operation: 'generate',
        provider: 'openai',
        model: { __rl: true, mode: 'list', value: 'gpt-image-2' },
        prompt: 'A teapot on the moon',
        n: 2,
        size: '1536x1024',
        quality: 'high',
        background: 'opaque',
        outputFormat: 'jpeg',
        outputCompression: 70,
        moderation: 'low',
        options: { timeout: 120, user: 'user-42' },
      },
      credentials,
      respond: sandboxResponder(base),
    });
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.credentialType).toBe('brushworkOpenAiApi');
    expect(call.options).toMatchObject({
      method: 'POST',
      url: `${base}/images/generations`,
      encoding: 'stream',
      returnFullResponse: true,
      ignoreHttpStatusErrors: true,
      timeout: 120_000,
    });
    const headerNames = Object.keys(call.options.headers ?? {}).map((name) => name.toLowerCase());
    expect(headerNames).not.toContain('authorization');
    expect(headerNames).not.toContain('api-key');
    expect(JSON.stringify(call.options)).not.toContain(OPENAI_CREDENTIALS.apiKey as string);
    expect(jsonBody(call)).toEqual({
      model: 'gpt-image-2',
      prompt: 'A teapot on the moon',
      n: 2,
      size: '1536x1024',
      quality: 'high',
      background: 'opaque',
      output_format: 'jpeg',
      output_compression: 70,
      moderation: 'low',
      user: 'user-42',
    });
    expect(output).toHaveLength(2);
    for (const item of output) {
      expect(item.binary?.data?.mimeType).toBe('image/jpeg');
      expect(readImageSize(bytesOf(item))).toEqual({ width: 1536, height: 1024 });
      expect(item.json.provider).toBe('openai');
      expect(item.json.sandbox).toBeUndefined();
    }
  });

  it('DALL-E 3 with n=3 makes three calls of one image each and keeps the revised prompts', async () => {
    const { output, calls } = await run({
      parameters: {
        operation: 'generate',
        provider: 'openai',
        model: { __rl: true, mode: 'list', value: 'dall-e-3' },
        prompt: 'A cat astronaut',
        n: 3,
        size: '1792x1024',
        quality: 'hd',
        style: 'natural',
      },
      credentials,
      respond: sandboxResponder(base),
    });
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(jsonBody(call)).toMatchObject({
        model: 'dall-e-3',
        n: 1,
        size: '1792x1024',
        quality: 'hd',
        style: 'natural',
        response_format: 'b64_json',
      });
    }
    expect(output.map((item) => item.json.index)).toEqual([0, 1, 2]);
    expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
    for (const item of output) {
      expect(typeof item.json.revisedPrompt).toBe('string');
      expect(item.json).toMatchObject({ model: 'dall-e-3', size: '1792x1024', quality: 'hd', style: 'natural' });
      expect(readImageSize(bytesOf(item))).toEqual({ width: 1792, height: 1024 });
    }
    expect(new Set(output.map((item) => item.binary?.data?.fileName)).size).toBe(3);
  });

  it('DALL-E 2 asks for base64 (no second download) and offers its own sizes', async () => {
    const { output, calls } = await run({
      parameters: {
        operation: 'generate',
        provider: 'openai',
        model: { __rl: true, mode: 'id', value: 'dall-e-2' },
        prompt: 'A pixel-art mushroom',
        n: 2,
        size: '256x256',
      },
      credentials,
      respond: sandboxResponder(base),
    });
    expect(resolveFamily('dall-e-2')?.responseFormats).toContain('b64_json');
    expect(calls).toHaveLength(1);
    expect(jsonBody(calls[0]!)).toMatchObject({
      model: 'dall-e-2',
      n: 2,
      size: '256x256',
      response_format: 'b64_json',
    });
    expect(output.map((item) => readImageSize(bytesOf(item)))).toEqual([
      { width: 256, height: 256 },
      { width: 256, height: 256 },
    ]);
  });

  it('a model id outside the table is passed through as given, and the server judges it', async () => {
    const { output, calls } = await run({
      parameters: {
        operation: 'generate',
        provider: 'openai',
        model: { __rl: true, mode: 'id', value: 'acme-painter-7' },
        prompt: 'A blue square',
        n: 1,
        size: '640x480',
        quality: 'ultra',
        style: '',
      },
      credentials,
      respond: () => jsonResponse(200, { created: 1_785_000_000, data: [{ b64_json: pngBase64(640, 480) }] }),
    });
    expect(jsonBody(calls[0]!)).toEqual({
      model: 'acme-painter-7',
      prompt: 'A blue square',
      n: 1,
      size: '640x480',
      quality: 'ultra',
    });
    expect(output).toHaveLength(1);
    expect(output[0]?.json).toMatchObject({ model: 'acme-painter-7', size: '640x480', created: 1_785_000_000 });
  });
});
