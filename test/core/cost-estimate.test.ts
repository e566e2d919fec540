// Issue 12's accuracy check: the estimate made before a call against the cost computed from the usage the
// fake upstream returns for the same request, over real HTTP, for every priced model, size and quality.
import {
  allowedValues,
  BUILTIN_PRICE_ROWS,
  type CostRequest,
  costFromUsage,
  encodePng,
  estimateCost,
  type ImageRequest,
  type OpenAIProviderConfig,
  readImageSize,
  resolveFamily,
} from '@brushwork/core';
import { createFetchTransport } from '@brushwork/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/index.ts';
import { harness, KEY } from './helpers.ts';

// gpt-image-1 is in the price table (hosts still serve it), so the fake serves it here too.
const fake: FakeUpstream = await startFakeUpstream({
  retiredModels: [],
  models: BUILTIN_PRICE_ROWS.map((r) => r.model),
});
afterAll(() => fake.close());

const openai = (): OpenAIProviderConfig => ({ kind: 'openai', apiKey: KEY, baseUrl: fake.openaiBaseUrl });
const client = () => harness(openai(), createFetchTransport()).client;

const PROMPTS = [
  'a lighthouse at dusk',
  'A watercolour of a fishing harbour in the 1920s: wooden boats with red sails, gulls over the quay, ' +
    'fishermen mending nets, soft morning fog and warm light on the water, loose brush strokes, paper texture.',
];

interface Case {
  model: string;
  size: string;
  quality: string;
  n: number;
  stream?: boolean;
  partialImages?: number;
  prompt: string;
}

function casesFor(model: string): Case[] {
  const family = resolveFamily(model)!;
  const sizes = allowedValues(family, 'size').filter((s) => s !== 'auto');
  const qualities = allowedValues(family, 'quality').filter((q) => q !== 'auto');
  const cases: Case[] = [];
  for (const size of sizes)
    for (const quality of qualities)
      for (const [i, prompt] of PROMPTS.entries()) cases.push({ model, size, quality, n: i === 0 ? 1 : 2, prompt });
  if (family.supportsStreaming)
    cases.push({ model, size: sizes[0]!, quality: 'low', n: 2, stream: true, partialImages: 3, prompt: PROMPTS[0]! });
  return cases;
}

const worst = new Map<string, { low: number; high: number }>();
function record(model: string, ratio: number) {
  const key = `${model} (${resolveFamily(model)!.label})`;
  const seen = worst.get(key) ?? { low: ratio, high: ratio };
  worst.set(key, { low: Math.min(seen.low, ratio), high: Math.max(seen.high, ratio) });
}

afterAll(() => {
  const lines = [...worst.entries()].map(
    ([model, r]) => `${model}: estimate / actual from ${r.low.toFixed(4)} to ${r.high.toFixed(4)}`,
  );
  console.log(`cost estimate accuracy\n${lines.join('\n')}`);
});

describe.each(BUILTIN_PRICE_ROWS.map((row) => row.model))(
  '%s: estimate within 10 % of the usage-based cost',
  (model) => {
    it.each(casesFor(model).map((c) => [`${c.size} ${c.quality} n=${c.n}${c.stream ? ' streamed' : ''}`, c]))(
      '%s',
      async (_name, c) => {
        const request: ImageRequest = {
          model: c.model,
          prompt: c.prompt,
          size: c.size,
          quality: c.quality,
          n: c.n,
          ...(c.model.startsWith('dall-e') ? { responseFormat: 'b64_json' as const } : {}),
          ...(c.stream ? { stream: true, partialImages: c.partialImages } : {}),
        };
        const estimate = estimateCost(request);
        const result = await client().generate(request);
        const actual = costFromUsage(result.usage, request, { images: result.images.length });
        expect(estimate.basis).toBe('estimate');
        expect(actual.basis).toBe(resolveFamily(c.model)!.id.startsWith('gpt') ? 'usage' : 'estimate');
        const ratio = estimate.usd! / actual.usd!;
        record(c.model, ratio);
        expect(ratio).toBeGreaterThanOrEqual(0.9);
        expect(ratio).toBeLessThanOrEqual(1.1);
      },
    );
  },
);

function png(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 4).fill(128);
  return encodePng({ width, height, data });
}

describe('edits: input image tokens', () => {
  it.each([
    ['gpt-image-1.5', 'low', undefined],
    ['gpt-image-1.5', 'medium', 'high'],
    ['gpt-image-1-mini', 'low', undefined],
    ['gpt-image-2', 'low', 'high'],
    ['gpt-image-2', 'high', 'low'],
  ] as const)('%s %s, input fidelity %s', async (model, quality, inputFidelity) => {
    const images = [{ bytes: png(1024, 1024) }, { bytes: png(600, 1400) }];
    const request: CostRequest = {
      model,
      prompt: PROMPTS[1]!,
      size: '1024x1024',
      quality,
      inputImages: images.map((image) => readImageSize(image.bytes)),
      ...(inputFidelity ? { inputFidelity } : {}),
    };
    const estimate = estimateCost(request);
    const result = await client().edit({
      model,
      prompt: PROMPTS[1]!,
      size: '1024x1024',
      quality,
      images,
      ...(inputFidelity ? { inputFidelity } : {}),
    });
    const actual = costFromUsage(result.usage, request, { images: result.images.length });
    expect(actual.basis).toBe('usage');
    expect(estimate.basis !== 'unknown' && estimate.tokens?.imageInput).toBe(result.usage?.inputImageTokens);
    const ratio = estimate.usd! / actual.usd!;
    record(model, ratio);
    expect(ratio).toBeGreaterThanOrEqual(0.9);
    expect(ratio).toBeLessThanOrEqual(1.1);
  });
});

describe('auto size and quality', () => {
  it.each(['gpt-image-1.5', 'gpt-image-1-mini', 'gpt-image-2'])(
    '%s: the estimate is never below what the call costs',
    async (model) => {
      const request: ImageRequest = { model, prompt: PROMPTS[0]! };
      const estimate = estimateCost(request);
      const result = await client().generate(request);
      const actual = costFromUsage(result.usage, request, { images: result.images.length });
      expect(estimate.usd!).toBeGreaterThanOrEqual(actual.usd!);
    },
  );
});
