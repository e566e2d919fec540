import type { IN8nHttpFullResponse, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BrushworkV1 } from '../nodes/Brushwork/v1/BrushworkV1.node';
import { createContext, jsonResponse, OPENAI_CREDENTIALS, pngBase64, type ContextSetup } from './context';

// The node must sleep with n8n-workflow's `sleep` (community nodes may not use timers): replace it with a
// recorder that returns at once, so these tests take no wall time and see every wait the node asked for.
const slept = vi.hoisted(() => [] as number[]);
vi.mock('n8n-workflow', async (importOriginal) => {
  const original = await importOriginal<typeof import('n8n-workflow')>();
  return {
    ...original,
    sleep: async (ms: number) => {
      slept.push(ms);
    },
  };
});

const node = new BrushworkV1();
const credentials = { brushworkOpenAiApi: OPENAI_CREDENTIALS };
const ok = () => jsonResponse(200, { created: 1_785_000_000, data: [{ b64_json: pngBase64(32, 32) }] });
const rateLimited = (retryAfterSeconds: number) =>
  jsonResponse(
    429,
    {
      error: {
        message: 'Rate limit reached for images per min.',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    },
    { 'retry-after': String(retryAfterSeconds) },
  );

const parameters = {
  operation: 'generate',
  provider: 'openai',
  model: { __rl: true, mode: 'id', value: 'gpt-image-2' },
  prompt: 'A small boat',
};

function items(count: number): INodeExecutionData[] {
  return Array.from({ length: count }, (_, i) => ({ json: { i } }));
}

async function run(setup: ContextSetup) {
  const { context, calls } = createContext(setup);
  const [output] = await node.execute.call(context);
  return { output: output as INodeExecutionData[], calls };
}

beforeEach(() => {
  slept.length = 0;
});

describe('retries with Retry-After, through n8n-workflow sleep', () => {
  it('a burst of 429s costs time, not items: every item is delivered', async () => {
    let answered = 0;
    const { output, calls } = await run({
      parameters,
      items: items(6),
      credentials,
      respond: () => (answered++ < 4 ? rateLimited(3) : ok()),
    });
    expect(output).toHaveLength(6);
    expect(output.every((item) => item.binary?.data?.mimeType === 'image/png')).toBe(true);
    expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4, 5].map((item) => ({ item })));
    expect(calls).toHaveLength(10);
    // One wait per 429, each the 3 s the server asked for.
    expect(slept).toEqual([3000, 3000, 3000, 3000]);
  });

  it('when the limit outlasts Max Retries, the error says rate limited and for how long', async () => {
    const { context, calls } = createContext({
      parameters: { ...parameters, options: { maxRetries: 2 } },
      credentials,
      respond: () => rateLimited(7),
    });
    const error = (await node.execute.call(context).catch((caught: unknown) => caught)) as NodeApiError;
    expect(calls).toHaveLength(3);
    expect(slept).toEqual([7000, 7000]);
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.httpCode).toBe('429');
    expect(error.context.itemIndex).toBe(0);
    expect(error.description).toContain('Rate limited');
    expect(error.description).toContain('7 s');
    expect(error.description).toContain('2 retries');
  });

  it('Max Retries 0 fails at the first 429 without sleeping', async () => {
    const { output } = await run({
      parameters: { ...parameters, options: { maxRetries: 0 } },
      credentials,
      continueOnFail: true,
      respond: () => rateLimited(1),
    });
    expect(slept).toEqual([]);
    expect(output[0]?.json).toMatchObject({ kind: 'rate_limit', status: 429, retryAfterMs: 1000 });
  });
});

/**
 * Holds every request until `batch` of them are waiting at once (or all that remain), then answers them
 * together. A node that runs fewer items at once than the bound never fills a batch (and the test times
 * out); one that runs more shows up in `maxInFlight`.
 */
function gate(total: number, batch: number) {
  let inFlight = 0;
  let answered = 0;
  let maxInFlight = 0;
  let waiting: Array<() => void> = [];
  const respond = async (): Promise<IN8nHttpFullResponse> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length >= Math.min(batch, total - answered)) {
        const release = waiting;
        waiting = [];
        answered += release.length;
        inFlight -= release.length;
        for (const open of release) open();
      }
    });
    return ok();
  };
  return { respond, stats: () => ({ maxInFlight, answered }) };
}

describe('items in flight at once', () => {
  it('defaults to 10', async () => {
    const { respond, stats } = gate(23, 10);
    const { output } = await run({ parameters, items: items(23), credentials, respond });
    expect(output).toHaveLength(23);
    expect(stats()).toEqual({ maxInFlight: 10, answered: 23 });
  });

  it('follows the Concurrency option', async () => {
    const { respond, stats } = gate(7, 3);
    const { output } = await run({
      parameters: { ...parameters, options: { concurrency: 3 } },
      items: items(7),
      credentials,
      respond,
    });
    expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4, 5, 6].map((item) => ({ item })));
    expect(stats()).toEqual({ maxInFlight: 3, answered: 7 });
  });

  it('Concurrency 1 runs the items one after another', async () => {
    const { respond, stats } = gate(4, 1);
    await run({ parameters: { ...parameters, options: { concurrency: 1 } }, items: items(4), credentials, respond });
    expect(stats()).toEqual({ maxInFlight: 1, answered: 4 });
  });

  it('output keeps input order even when later items finish first', async () => {
    const resolvers: Array<() => void> = [];
    let seen = 0;
    const { context } = createContext({
      parameters,
      perItem: (name, i) => (name === 'prompt' ? `Prompt ${i}` : undefined),
      items: items(3),
      credentials,
      respond: async () => {
        seen++;
        await new Promise<void>((resolve) => {
          resolvers.push(resolve);
          // Answer in reverse order once all three are waiting.
          if (seen === 3) for (const open of [...resolvers].reverse()) open();
        });
        return ok();
      },
    });
    const [output] = await node.execute.call(context);
    expect(output?.map((item) => item.json.prompt)).toEqual(['Prompt 0', 'Prompt 1', 'Prompt 2']);
  });
});

describe('cancellation', () => {
  it('stops starting items once n8n cancels the execution', async () => {
    const controller = new AbortController();
    let calls = 0;
    const { context } = createContext({
      parameters: { ...parameters, options: { concurrency: 1 } },
      items: items(5),
      credentials,
      continueOnFail: true,
      cancelSignal: controller.signal,
      respond: () => {
        calls++;
        if (calls === 2) controller.abort();
        return ok();
      },
    });
    const [output] = await node.execute.call(context);
    expect(calls).toBe(2);
    expect(output?.length).toBeLessThan(5);
  });
});
