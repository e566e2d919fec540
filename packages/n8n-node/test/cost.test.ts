import { estimateCost } from '@brushwork/core';
import type { INodeExecutionData } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { BrushworkV1 } from '../nodes/Brushwork/v1/BrushworkV1.node';
import { binaryOf, type ContextSetup, createContext, OPENAI_CREDENTIALS, pngBase64, sandboxResponder } from './context';

const node = new BrushworkV1();

async function run(setup: ContextSetup) {
  const { context, calls } = createContext(setup);
  const [output] = await node.execute.call(context);
  return { output: output as INodeExecutionData[], calls };
}

const base = OPENAI_CREDENTIALS.url as string;
const credentials = { brushworkOpenAiApi: OPENAI_CREDENTIALS };
const request = { model: 'gpt-image-1.5', size: '1024x1024', quality: 'low' };
const parameters = (extra: Record<string, unknown> = {}) => ({
  operation: 'generate',
  provider: 'openai',
  model: { __rl: true, mode: 'list', value: request.model },
  prompt: 'A teapot on the moon',
  size: request.size,
  quality: request.quality,
  ...extra,
});
const items = (count: number) => Array.from({ length: count }, () => ({ json: {} }));

describe('cost and provenance on items', () => {
  it('each image item carries its share of the cost (from the usage) and its provenance', async () => {
    const { output } = await run({
      parameters: parameters({ n: 2 }),
      credentials,
      respond: sandboxResponder(base),
    });
    expect(output).toHaveLength(2);
    for (const item of output) {
      expect(item.json.cost).toMatchObject({ usd: expect.any(Number), priceDate: expect.any(String) });
      expect(['usage', 'estimate']).toContain((item.json.cost as { basis: string }).basis);
      expect(item.json.provenance).toBe('none');
    }
  });

  it('an unknown model gets cost basis unknown, never a made-up price', async () => {
    const { output } = await run({
      parameters: parameters({ model: { __rl: true, mode: 'id', value: 'my-model' } }),
      credentials,
      respond: () => ({
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ created: 1, data: [{ b64_json: pngBase64(64, 64) }] })),
      }),
    });
    expect(output[0]!.json.cost).toEqual({ usd: null, basis: 'unknown', priceDate: null });
  });
});

describe('Estimate Cost', () => {
  it('outputs the estimate per item without calling the API, generate and edit', async () => {
    const { output, calls } = await run({
      parameters: parameters({ operation: 'estimate', n: 2 }),
      credentials,
      items: items(2),
    });
    expect(calls).toHaveLength(0);
    expect(output).toHaveLength(2);
    expect(output[0]!.json).toMatchObject({
      operation: 'estimate',
      estimateFor: 'generate',
      estimate: { usd: estimateCost({ ...request, n: 2, prompt: 'A teapot on the moon' }).usd, basis: 'estimate' },
      images: 2,
    });
    expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);

    const png = Buffer.from(pngBase64(512, 512), 'base64');
    const edit = await run({
      parameters: parameters({ operation: 'estimate', estimateFor: 'edit', imageProperties: 'data' }),
      credentials,
      items: [{ json: {}, binary: { data: binaryOf(png, 'in.png', 'image/png') } }],
    });
    expect(edit.calls).toHaveLength(0);
    const imageInput = (edit.output[0]!.json.tokens as { imageInput: number }).imageInput;
    expect(imageInput).toBeGreaterThan(0);
    // High input fidelity costs more image input tokens; the estimate for an edit takes it.
    const high = await run({
      parameters: parameters({
        operation: 'estimate',
        estimateFor: 'edit',
        imageProperties: 'data',
        inputFidelity: 'high',
      }),
      credentials,
      items: [{ json: {}, binary: { data: binaryOf(png, 'in.png', 'image/png') } }],
    });
    expect((high.output[0]!.json.tokens as { imageInput: number }).imageInput).toBeGreaterThan(imageInput);
  });

  it('uses the Prices (JSON) option; a bad one stops the run naming the option and the field', async () => {
    const prices = JSON.stringify({ models: { 'my-model': { like: 'gpt-image-1.5' } } });
    const { output } = await run({
      parameters: parameters({
        operation: 'estimate',
        model: { __rl: true, mode: 'id', value: 'my-model' },
        options: { prices },
      }),
      credentials,
    });
    expect((output[0]!.json.estimate as { basis: string }).basis).toBe('estimate');
    await expect(
      run({
        parameters: parameters({ operation: 'estimate', options: { prices: '{"models": {"x": {"tokens": 1}}}' } }),
        credentials,
      }),
    ).rejects.toThrow(/Prices \(JSON\) option.*models\."x"\.tokens/);
  });
});

describe('caps refuse before any request', () => {
  const estimate = estimateCost({ ...request, prompt: 'A teapot on the moon' }).usd!;

  it('per item: error items with Continue On Fail, naming the cap, the estimate and the spend so far', async () => {
    const { output, calls } = await run({
      parameters: parameters({ options: { maxCostPerItem: 0.001 } }),
      credentials,
      continueOnFail: true,
      items: items(2),
      respond: sandboxResponder(base),
    });
    expect(calls).toHaveLength(0);
    expect(output).toHaveLength(2);
    const message = String(output[0]!.json.error);
    expect(message).toMatch(/Max Estimated Cost per Item \$0\.001/);
    expect(message).toMatch(/estimated cost \$0\.0\d+/);
    expect(message).toMatch(/Spent so far in this execution: \$0/);
    expect(message).toMatch(/No request was sent/);
  });

  it('per execution: the items that fit go through in input order, the rest fail; without Continue On Fail the run stops', async () => {
    const cap = Number((estimate * 3.5).toFixed(6));
    const { output, calls } = await run({
      parameters: parameters({ options: { maxCostPerExecution: cap, concurrency: 5 } }),
      credentials,
      continueOnFail: true,
      items: items(5),
      respond: sandboxResponder(base),
    });
    expect(calls).toHaveLength(3);
    expect(
      output.map((item) =>
        item.json.error ? `error ${item.pairedItem && (item.pairedItem as { item: number }).item}` : 'image',
      ),
    ).toEqual(['image', 'image', 'image', 'error 3', 'error 4']);
    expect(String(output[3]!.json.error)).toMatch(/over Max Estimated Cost per Execution/);

    const stopped = createContext({
      parameters: parameters({ options: { maxCostPerItem: 0.001 } }),
      credentials,
      respond: sandboxResponder(base),
    });
    await expect(node.execute.call(stopped.context)).rejects.toThrow(/Max Estimated Cost per Item/);
    expect(stopped.calls).toHaveLength(0);
  });
});
