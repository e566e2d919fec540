import type { INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { BrushworkV1 } from '../nodes/Brushwork/v1/BrushworkV1.node';
import {
  createContext,
  jsonResponse,
  OPENAI_CREDENTIALS,
  pngBase64,
  type ContextSetup,
  type Responder,
} from './context';

const node = new BrushworkV1();
const credentials = { brushworkOpenAiApi: OPENAI_CREDENTIALS };

async function run(setup: ContextSetup) {
  const { context, calls } = createContext(setup);
  const [output] = await node.execute.call(context);
  return { output: output as INodeExecutionData[], calls };
}

async function failure(setup: ContextSetup) {
  const { context, calls } = createContext(setup);
  const error = await node.execute.call(context).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  return { error: error as NodeApiError | NodeOperationError, calls };
}

const refusal = jsonResponse(400, {
  error: {
    message: 'Your request was rejected as a result of our safety system.',
    type: 'invalid_request_error',
    param: null,
    code: 'content_policy_violation',
  },
});

/** Refuses prompts containing "forbidden", answers others with one 64x64 PNG. */
const refuseForbidden: Responder = ({ options }) => {
  const body = JSON.parse(String(options.body)) as { prompt: string };
  if (body.prompt.includes('forbidden')) return refusal;
  return jsonResponse(200, { created: 1_785_000_000, data: [{ b64_json: pngBase64(64, 64) }] });
};

const threeItems = [{ json: { id: 'a' } }, { json: { id: 'b' } }, { json: { id: 'c' } }];
const prompts = ['A calm lake', 'A forbidden scene', 'A quiet forest'];

describe('bad input is caught by the core before any HTTP call', () => {
  const dallE3BadSize = {
    operation: 'generate',
    provider: 'openai',
    model: { __rl: true, mode: 'id', value: 'dall-e-3' },
    prompt: 'A cat',
    size: '256x256',
  };

  it('throws a NodeOperationError naming the field and its allowed values, with the item index', async () => {
    const { error, calls } = await failure({ parameters: dallE3BadSize, credentials, respond: refuseForbidden });
    expect(calls).toHaveLength(0);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.context.itemIndex).toBe(0);
    expect(error.message).toContain('256x256');
    expect(error.description).toContain('Size:');
    for (const size of ['1024x1024', '1792x1024', '1024x1792']) expect(error.description).toContain(size);
  });

  it('with Continue On Fail yields an error item with the problems, paired to its input', async () => {
    const { output, calls } = await run({
      parameters: dallE3BadSize,
      credentials,
      continueOnFail: true,
      respond: refuseForbidden,
    });
    expect(calls).toHaveLength(0);
    expect(output).toHaveLength(1);
    expect(output[0]?.pairedItem).toEqual({ item: 0 });
    expect(output[0]?.binary).toBeUndefined();
    expect(output[0]?.json).toMatchObject({ kind: 'invalid_request' });
    const problems = output[0]?.json.problems as Array<{ field: string; fieldName: string }>;
    expect(problems.map((problem) => problem.field)).toContain('size');
    expect(problems.find((problem) => problem.field === 'size')?.fieldName).toBe('Size');
  });

  it('an empty prompt is named as the Prompt field', async () => {
    const { error } = await failure({
      parameters: { ...dallE3BadSize, size: '1024x1024', prompt: '  ' },
      credentials,
      respond: refuseForbidden,
    });
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.description).toMatch(/^Prompt: /m);
  });
});

describe('a refused prompt', () => {
  const parameters = {
    operation: 'generate',
    provider: 'openai',
    model: { __rl: true, mode: 'id', value: 'dall-e-3' },
    size: '1024x1024',
  };
  const perItem = (name: string, i: number) => (name === 'prompt' ? prompts[i] : undefined);

  it('under Continue On Fail becomes its own error item while every other item completes', async () => {
    const { output, calls } = await run({
      parameters,
      perItem,
      items: threeItems,
      credentials,
      continueOnFail: true,
      respond: refuseForbidden,
    });
    expect(calls).toHaveLength(3);
    expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
    expect(output[0]?.binary?.data?.mimeType).toBe('image/png');
    expect(output[2]?.binary?.data?.mimeType).toBe('image/png');
    expect(output[1]?.binary).toBeUndefined();
    expect(output[1]?.json).toMatchObject({ kind: 'content_policy', status: 400, code: 'content_policy_violation' });
    expect(String(output[1]?.json.description)).toContain('safety');
  });

  it('without Continue On Fail stops with a NodeApiError for that item, saying it was refused for safety', async () => {
    const { error } = await failure({ parameters, perItem, items: threeItems, credentials, respond: refuseForbidden });
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.context.itemIndex).toBe(1);
    expect((error as NodeApiError).httpCode).toBe('400');
    expect(error.description).toMatch(/safety/i);
    expect(JSON.stringify(error)).not.toContain(OPENAI_CREDENTIALS.apiKey as string);
  });
});

describe('errors from the provider', () => {
  const parameters = {
    operation: 'generate',
    provider: 'openai',
    model: { __rl: true, mode: 'id', value: 'gpt-image-2' },
    prompt: 'A robot',
    options: { maxRetries: 0 },
  };

  it.each([
    [401, 'invalid_api_key', /credential/i, 'authentication'],
    [404, 'model_not_found', /model/i, 'model_not_found'],
    [429, 'insufficient_quota', /quota/i, 'quota'],
  ])('status %i (%s) is explained', async (status, code, description, kind) => {
    const answer = jsonResponse(status, { error: { message: `failed: ${code}`, type: 'x', param: null, code } });
    const { error, calls } = await failure({ parameters, credentials, respond: () => answer });
    expect(calls).toHaveLength(1);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).httpCode).toBe(String(status));
    expect(error.description).toMatch(description);
    const continued = await run({ parameters, credentials, continueOnFail: true, respond: () => answer });
    expect(continued.output[0]?.json.kind).toBe(kind);
  });

  it('a network failure becomes a NodeApiError that says to check the base URL', async () => {
    const { error } = await failure({
      parameters,
      credentials,
      respond: () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
      },
    });
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.description).toMatch(/Base URL/);
  });

  it('a body cut short (n8n throws ERR_BAD_RESPONSE) is retried like a reset and the image still arrives', async () => {
    let attempts = 0;
    const { output, calls } = await run({
      parameters: { ...parameters, options: { maxRetries: 1 } },
      credentials,
      respond: () => {
        attempts += 1;
        if (attempts === 1) {
          throw Object.assign(new Error('aborted'), { code: 'ERR_BAD_RESPONSE' });
        }
        return jsonResponse(200, { created: 1, data: [{ b64_json: pngBase64(8, 8) }] });
      },
    });
    expect(calls).toHaveLength(2);
    expect(output).toHaveLength(1);
    expect(output[0]?.json.size).toBe('8x8');
  });

  it('an answer that is not an image result says to run again, then to check the base URL', async () => {
    const { error, calls } = await failure({
      parameters,
      credentials,
      respond: () => ({
        statusCode: 200,
        headers: { 'content-type': 'text/html' },
        body: Buffer.from('<html>hi</html>'),
      }),
    });
    expect(calls).toHaveLength(1);
    expect(error.description).toMatch(/run again/);
    expect(error.description).toMatch(/Base URL/);
  });

  it('a missing credential is reported, not thrown as something else', async () => {
    const { error } = await failure({ parameters, credentials: {} });
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toMatch(/credentials/);
  });
});
