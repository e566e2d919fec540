import { describe, expect, it } from 'vitest';
import {
  BUILTIN_PRICE_ROWS,
  costFromUsage,
  estimateCost,
  formatUsd,
  type PricedCost,
  priceResult,
  splitCost,
} from '../../src/cost/index.js';
import { gptImage2OutputTokens, inputImageTokens, estimateTextTokens } from '../../src/cost/tokens.js';

const priced = (cost: ReturnType<typeof estimateCost>): PricedCost => {
  if (cost.basis === 'unknown') throw new Error(`expected a price, got: ${cost.reason}`);
  return cost;
};

describe('token accounting', () => {
  it('GPT image 2 output tokens follow OpenAI’s calculator', () => {
    expect(gptImage2OutputTokens(1024, 1024, 'high')).toBe(7024);
    expect(gptImage2OutputTokens(1536, 1024, 'high')).toBe(5488);
    expect(gptImage2OutputTokens(960, 720, 'low')).toBe(130);
    expect(gptImage2OutputTokens(976, 704, 'low')).toBe(129);
  });

  it('input images: 65 + 129 per 512-px tile after scaling the short side to 512; high fidelity adds more', () => {
    expect(inputImageTokens(1024, 1024)).toBe(194);
    expect(inputImageTokens(1024, 1025)).toBe(194);
    expect(inputImageTokens(512, 513)).toBe(323);
    expect(inputImageTokens(1024, 1024, 'high')).toBe(194 + 4160);
    expect(inputImageTokens(1536, 1024, 'high')).toBe(323 + 6240);
  });

  it('prompt tokens: about 4 ASCII characters a token, one per other character', () => {
    expect(estimateTextTokens('')).toBe(1);
    expect(estimateTextTokens('a red fox in the snow')).toBe(6);
    expect(estimateTextTokens('雪の中の赤い狐')).toBe(7);
  });
});

describe('estimateCost', () => {
  it('matches the per-image figures of the issue for gpt-image-1.5 at 1024x1024 (within a prompt’s worth)', () => {
    for (const [quality, figure] of [
      ['low', 0.009],
      ['medium', 0.034],
      ['high', 0.133],
    ] as const) {
      const cost = priced(estimateCost({ model: 'gpt-image-1.5', prompt: 'x', size: '1024x1024', quality }));
      expect(Math.abs(cost.usd - figure) / figure).toBeLessThan(0.05);
      expect(cost).toMatchObject({ basis: 'estimate', priceDate: '2026-11-29', model: 'gpt-image-1.5', images: 1 });
    }
  });

  it('gpt-image-2: n images, prompt tokens, partial images when streaming', () => {
    const prompt = 'a lighthouse at dusk, oil painting';
    const base = priced(estimateCost({ model: 'gpt-image-2', prompt, size: '1024x1024', quality: 'low', n: 2 }));
    const text = estimateTextTokens(prompt);
    expect(base.tokens).toEqual({
      textInput: text,
      cachedTextInput: 0,
      imageInput: 0,
      cachedImageInput: 0,
      imageOutput: 2 * 196,
    });
    expect(base.usd).toBeCloseTo((text * 5 + 2 * 196 * 30) / 1e6, 10);
    const streamed = priced(
      estimateCost({
        model: 'gpt-image-2',
        prompt,
        size: '1024x1024',
        quality: 'low',
        n: 2,
        stream: true,
        partialImages: 3,
      }),
    );
    expect(streamed.tokens?.imageOutput).toBe(2 * (196 + 300));
    // partial images only count when streaming
    const notStreamed = priced(
      estimateCost({ model: 'gpt-image-2', prompt, size: '1024x1024', quality: 'low', partialImages: 3 }),
    );
    expect(notStreamed.tokens?.imageOutput).toBe(196);
  });

  it('edits: input image tokens from their sizes; unknown sizes assumed wide and said so', () => {
    const cost = priced(
      estimateCost({
        model: 'gpt-image-1.5',
        prompt: 'add a hat',
        size: '1024x1024',
        quality: 'medium',
        inputImages: [{ width: 1024, height: 1024 }, undefined],
        inputFidelity: 'high',
      }),
    );
    expect(cost.tokens?.imageInput).toBe(194 + 4160 + 581 + 6240);
    expect(cost.assumptions?.join(' ')).toMatch(/unknown size/);
  });

  it('auto quality and size are estimated at their most expensive, and say so', () => {
    const cost = priced(estimateCost({ model: 'gpt-image-1-mini', prompt: 'x' }));
    expect(cost.tokens?.imageOutput).toBe(6240);
    expect(cost.assumptions).toEqual([
      expect.stringMatching(/quality auto .* high/),
      expect.stringMatching(/size auto .* 1024x1536/),
    ]);
    const v2 = priced(estimateCost({ model: 'gpt-image-2', prompt: 'x', size: 'auto', quality: 'auto' }));
    expect(v2.tokens?.imageOutput).toBe(7024);
  });

  it('DALL-E: per-image price × n by quality and size', () => {
    expect(priced(estimateCost({ model: 'dall-e-3', prompt: 'x' })).usd).toBe(0.04);
    expect(
      priced(estimateCost({ model: 'dall-e-3', prompt: 'x', quality: 'hd', size: '1792x1024', n: 3 })).usd,
    ).toBeCloseTo(0.36, 10);
    expect(priced(estimateCost({ model: 'dall-e-2', prompt: 'x', size: '256x256', n: 10 })).usd).toBeCloseTo(0.16, 10);
    const bad = estimateCost({ model: 'dall-e-2', prompt: 'x', size: '2048x2048' });
    expect(bad).toMatchObject({ basis: 'unknown', usd: null, priceDate: null });
    expect(bad.basis === 'unknown' && bad.reason).toMatch(/256x256, 512x512, 1024x1024/);
  });

  it('snapshots are priced like their model; other ids, even of a known family, are unknown, never guessed', () => {
    expect(
      priced(estimateCost({ model: 'gpt-image-2-2026-04-21', prompt: 'x', quality: 'low', size: '1024x1024' })).model,
    ).toBe('gpt-image-2');
    expect(priced(estimateCost({ model: 'openai/GPT-IMAGE-2', prompt: 'x' })).model).toBe('gpt-image-2');
    for (const model of ['gpt-image-2.6-flare', 'my-deployment', 'flux-pro']) {
      const cost = estimateCost({ model, prompt: 'x' });
      expect(cost).toMatchObject({ basis: 'unknown', usd: null });
      expect(cost.basis === 'unknown' && cost.reason).toContain(`"${model}"`);
    }
    const none = estimateCost({ prompt: 'x' });
    expect(none.basis === 'unknown' && none.reason).toMatch(/names no model/);
  });

  it('a token-priced model with a size or quality it has no figure for is unknown with the reason', () => {
    const cost = estimateCost({ model: 'gpt-image-1.5', prompt: 'x', size: '2048x2048', quality: 'low' });
    expect(cost.basis === 'unknown' && cost.reason).toMatch(/1024x1024, 1024x1536, 1536x1024/);
    const q = estimateCost({ model: 'gpt-image-2', prompt: 'x', quality: 'hd' });
    expect(q.basis === 'unknown' && q.reason).toMatch(/low, medium, high, auto/);
  });

  it('every built-in row has a checked date and a source URL', () => {
    for (const row of BUILTIN_PRICE_ROWS) {
      expect(row.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row.source).toMatch(/^https:\/\//);
    }
  });
});

describe('costFromUsage', () => {
  const request = { model: 'gpt-image-2', prompt: 'a cat', size: '1024x1024', quality: 'medium' };

  it('prices each kind of token at its rate', () => {
    const cost = costFromUsage(
      { inputTokens: 250, outputTokens: 1000, totalTokens: 1250, inputTextTokens: 50, inputImageTokens: 200 },
      request,
    );
    expect(cost).toMatchObject({ basis: 'usage', priceDate: '2026-11-29', model: 'gpt-image-2' });
    expect(cost.usd).toBeCloseTo((50 * 5 + 200 * 8 + 1000 * 30) / 1e6, 10);
  });

  it('cached input at the cached rate', () => {
    const cost = costFromUsage(
      { inputTokens: 100, outputTokens: 0, inputTextTokens: 100, inputImageTokens: 0, cachedInputTextTokens: 40 },
      request,
    );
    expect(cost.usd).toBeCloseTo((60 * 5 + 40 * 1.25) / 1e6, 12);
  });

  it('without a split, input is billed at the rate of what was sent; output from total − input', () => {
    expect(costFromUsage({ inputTokens: 100, totalTokens: 1100 }, request).usd).toBeCloseTo(
      (100 * 5 + 1000 * 30) / 1e6,
      10,
    );
    expect(
      costFromUsage({ inputTokens: 100, totalTokens: 1100 }, { ...request, inputImages: [undefined] }).usd,
    ).toBeCloseTo((100 * 8 + 1000 * 30) / 1e6, 10);
  });

  it('no usage: the estimate for the images that arrived, said so', () => {
    const cost = costFromUsage(undefined, { ...request, n: 4 }, { images: 3 });
    expect(cost).toMatchObject({ basis: 'estimate', images: 3 });
    expect(cost.basis !== 'unknown' && cost.assumptions).toContain('the API returned no token usage');
  });

  it('DALL-E: per-image price for the images returned; unknown models stay unknown', () => {
    expect(costFromUsage(undefined, { model: 'dall-e-3', prompt: 'x', n: 3 }, { images: 2 }).usd).toBeCloseTo(0.08, 10);
    expect(costFromUsage({ outputTokens: 5 }, { model: 'mystery', prompt: 'x' }).basis).toBe('unknown');
  });
});

describe('per image', () => {
  it('splitCost shares in micro-dollars that add up', () => {
    const cost = priced(estimateCost({ model: 'dall-e-2', prompt: 'x', n: 3, size: '256x256' }));
    const parts = splitCost({ ...cost, usd: 0.1 }, 3);
    expect(parts.map((p) => p.usd)).toEqual([0.033334, 0.033333, 0.033333]);
    expect(parts.every((p) => p.images === 1 && p.basis === 'estimate')).toBe(true);
    expect(splitCost(cost, 0)).toEqual([]);
    const unknown = estimateCost({ model: 'x', prompt: 'x' });
    expect(splitCost(unknown, 2)).toEqual([
      { ...unknown, images: 1 },
      { ...unknown, images: 1 },
    ]);
  });

  it('priceResult: the result’s model when the request names none (an Azure deployment)', () => {
    const result = {
      model: 'gpt-image-2',
      usage: { inputTokens: 10, outputTokens: 390, inputTextTokens: 10, inputImageTokens: 0 },
      images: [{}, {}],
    };
    const { cost, images } = priceResult(result, { prompt: 'x', size: '1024x1024', quality: 'low', n: 2 });
    expect(cost).toMatchObject({ basis: 'usage', images: 2 });
    expect(images).toHaveLength(2);
    expect(images[0]!.usd! + images[1]!.usd!).toBeCloseTo(cost.usd!, 6);
  });

  it('formatUsd', () => {
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(0.034)).toBe('$0.034');
    expect(formatUsd(1.256)).toBe('$1.26');
    expect(formatUsd(0.1)).toBe('$0.10');
    expect(formatUsd(0.1234)).toBe('$0.1234');
    expect(formatUsd(0.000216)).toBe('$0.00022');
  });
});

describe('costRequestOf', () => {
  it('keeps the fields the price depends on and turns input images into their sizes', async () => {
    const { costRequestOf } = await import('../../src/cost/index.js');
    const { encodePng, readImageSize } = await import('../../src/image/index.js');
    const png = encodePng({ width: 8, height: 4, data: new Uint8Array(8 * 4 * 4) });
    const request = {
      model: 'gpt-image-2',
      prompt: 'x',
      size: '1024x1024',
      quality: 'low',
      outputFormat: 'png' as const,
      images: [{ bytes: png }, { bytes: new Uint8Array([1, 2, 3]) }],
      inputFidelity: 'high' as const,
    };
    expect(costRequestOf(request, readImageSize)).toEqual({
      model: 'gpt-image-2',
      prompt: 'x',
      size: '1024x1024',
      quality: 'low',
      inputFidelity: 'high',
      inputImages: [{ width: 8, height: 4 }, undefined],
    });
  });
});
