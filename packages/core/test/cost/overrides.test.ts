import { describe, expect, it } from 'vitest';
import { estimateCost, parsePriceOverrides, parsePriceOverridesJson, PriceConfigError } from '../../src/cost/index.js';

function problemsOf(value: unknown): string {
  try {
    parsePriceOverrides(value, 'BRUSHWORK_PRICES (prices.json)');
  } catch (error) {
    expect(error).toBeInstanceOf(PriceConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a PriceConfigError');
}

describe('price overrides', () => {
  it('changes only the rates an entry names for a built-in model', () => {
    const prices = parsePriceOverrides({
      models: { 'gpt-image-2': { tokens: { imageOutput: 60 }, checked: '2026-12-01', source: 'https://example.test' } },
    });
    const cost = estimateCost({ model: 'gpt-image-2', prompt: 'abcd', size: '1024x1024', quality: 'low' }, { prices });
    expect(cost).toMatchObject({ priceDate: '2026-12-01', source: 'https://example.test' });
    expect(cost.usd).toBeCloseTo((1 * 5 + 196 * 60) / 1e6, 10);
  });

  it('like: prices an Azure deployment name or an alias as a built-in model', () => {
    const prices = parsePriceOverrides({ models: { 'My-Deployment': { like: 'gpt-image-1.5' } } });
    const cost = estimateCost({ model: 'my-deployment', prompt: 'x', size: '1024x1024', quality: 'high' }, { prices });
    expect(cost).toMatchObject({ basis: 'estimate', model: 'my-deployment', priceDate: '2026-11-29' });
    expect(cost.basis !== 'unknown' && cost.source).toMatch(/as gpt-image-1\.5/);
  });

  it('a new model with full figures, per token or per image', () => {
    const prices = parsePriceOverridesJson(
      JSON.stringify({
        models: {
          'gpt-image-2.6-flare': {
            accounting: 'gpt-image-2',
            tokens: { textInput: 5, imageInput: 8, imageOutput: 40 },
            checked: '2026-11-20',
            source: 'https://example.test/flare',
          },
          'dall-e-3-host': { perImage: { standard: { '1024x1024': 0.05 } }, checked: '2026-11-20' },
        },
      }),
    );
    expect(
      estimateCost({ model: 'gpt-image-2.6-flare', prompt: 'x', size: '1024x1024', quality: 'high' }, { prices }).usd,
    ).toBeCloseTo((1 * 5 + 7024 * 40) / 1e6, 10);
    expect(estimateCost({ model: 'dall-e-3-host', prompt: 'x' }, { prices })).toMatchObject({
      usd: 0.05,
      source: 'price override',
    });
  });

  it('errors name the field and the values allowed', () => {
    expect(problemsOf({ models: { 'gpt-image-2': { tokens: { imageOutput: 'abc' } } } })).toMatch(
      /BRUSHWORK_PRICES \(prices\.json\).*models\."gpt-image-2"\.tokens\.imageOutput: expected a number ≥ 0 \(USD per million image output tokens\), got "abc"/,
    );
    expect(problemsOf({ models: { x: { tokens: { imageOutput: -1 } } } })).toMatch(
      /models\."x"\.tokens\.imageOutput: expected a number ≥ 0/,
    );
    expect(problemsOf({ models: { x: { accounting: 'gpt-image-3' } } })).toMatch(
      /models\."x"\.accounting: got "gpt-image-3" \(allowed: gpt-image-1, gpt-image-2\)/,
    );
    expect(problemsOf({ models: { x: { price: 1 } } })).toMatch(
      /models\."x": unknown field "price" \(allowed: like, accounting, tokens, perImage/,
    );
    expect(problemsOf({ model: {} })).toMatch(/unknown field "model" \(allowed: models\)/);
    expect(problemsOf({ models: { x: { like: 'gpt-image-9' } } })).toMatch(
      /models\."x"\.like: no built-in price for "gpt-image-9" \(allowed: gpt-image-2,/,
    );
    expect(problemsOf({ models: { x: { tokens: { imageOutput: 1 }, checked: '2026-01-01' } } })).toMatch(
      /models\."x"\.accounting: required .*allowed: gpt-image-1, gpt-image-2.*models\."x"\.tokens\.textInput: required/,
    );
    expect(problemsOf({ models: { 'gpt-image-2': { tokens: { imageOutput: 1 } } } })).toMatch(
      /models\."gpt-image-2"\.checked: required when the entry sets prices/,
    );
    expect(problemsOf({ models: { 'dall-e-3': { tokens: { imageOutput: 1 }, checked: '2026-01-01' } } })).toMatch(
      /priced per image: use perImage/,
    );
    expect(problemsOf({ models: { x: { checked: '1 Dec' } } })).toMatch(
      /models\."x"\.checked: expected the date the prices were checked, YYYY-MM-DD, got "1 Dec"/,
    );
    expect(() => parsePriceOverridesJson('{ nope', 'BRUSHWORK_PRICES')).toThrow(/BRUSHWORK_PRICES.*not valid JSON/);
  });
});
