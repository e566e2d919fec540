import { describe, expect, it } from 'vitest';
import { checkCaps, describeCall, estimateCost } from '../../src/cost/index.js';

const request = { model: 'dall-e-3', prompt: 'x', size: '1024x1024', quality: 'hd', n: 1 }; // $0.08
const estimate = estimateCost(request);
const what = describeCall(request);

describe('checkCaps (the n8n options as the caps)', () => {
  it('no cap, or within the caps: no refusal', () => {
    expect(checkCaps({ estimate, spentUsd: 100, spentLabel: 'in this execution', what })).toBeUndefined();
    expect(
      checkCaps({
        estimate,
        perCall: { name: 'Max Estimated Cost per Item', usd: 0.08 },
        budget: { name: 'Max Estimated Cost per Execution', usd: 0.16 },
        spentUsd: 0.08,
        spentLabel: 'in this execution',
        what,
      }),
    ).toBeUndefined();
  });

  it('per item: names the cap, the estimate and the spend so far', () => {
    expect(
      checkCaps({
        estimate,
        perCall: { name: 'Max Estimated Cost per Item', usd: 0.05 },
        spentUsd: 0.12,
        spentLabel: 'in this execution',
        what,
      }),
    ).toEqual({
      cap: 'per-call',
      capUsd: 0.05,
      estimateUsd: 0.08,
      spentUsd: 0.12,
      reservedUsd: 0,
      message:
        'Refused: the estimated cost $0.08 (dall-e-3, 1 image, 1024x1024, hd) is above Max Estimated Cost per Item $0.05. ' +
        'Spent so far in this execution: $0.12.',
    });
  });

  it('per execution: spent + reserved + estimate over the budget', () => {
    const refusal = checkCaps({
      estimate,
      budget: { name: 'Max Estimated Cost per Execution', usd: 0.2 },
      spentUsd: 0.1,
      reservedUsd: 0.04,
      spentLabel: 'in this execution',
      what,
    });
    expect(refusal?.message).toBe(
      'Refused: the estimated cost $0.08 (dall-e-3, 1 image, 1024x1024, hd) would take spending in this execution to $0.22, ' +
        'over Max Estimated Cost per Execution $0.20. Spent so far in this execution: $0.10 of Max Estimated Cost per Execution $0.20, ' +
        'plus $0.04 reserved by calls in flight.',
    );
  });

  it('an unpriced call is refused while a cap is set, with the reason and the hint', () => {
    const refusal = checkCaps({
      estimate: estimateCost({ model: 'flux', prompt: 'x' }),
      perCall: { name: 'Max Estimated Cost per Item', usd: 1 },
      spentUsd: 0,
      spentLabel: 'in this execution',
      what: describeCall({ model: 'flux' }),
      unpricedHint: 'Add it under Prices.',
    });
    expect(refusal).toMatchObject({ cap: 'unpriced', estimateUsd: null });
    expect(refusal?.message).toMatch(
      /Max Estimated Cost per Item \$1\.00 is set.*\(flux, 1 image\).*No price known for model "flux".*Add it under Prices\. Spent so far in this execution: \$0\./,
    );
  });

  it('float sums do not refuse a call that exactly fits', () => {
    const cheap = estimateCost({ model: 'dall-e-2', prompt: 'x', size: '256x256' }); // 0.016
    expect(
      checkCaps({ estimate: cheap, budget: { name: 'B', usd: 0.048 }, spentUsd: 0.016 + 0.016, spentLabel: 'x', what }),
    ).toBeUndefined();
  });
});
