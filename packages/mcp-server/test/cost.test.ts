import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { helpText, parseConfig } from '../src/config.js';
import { createServerSpendGuard } from '../src/server.js';
import { type Harness, startHarness, textOf } from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const context = { cwd: '/work', homedir: '/home/u' };

describe('spend settings', () => {
  it('are read with the rest of the config; problems name the variable and what it takes', () => {
    const outcome = parseConfig(
      { BRUSHWORK_MAX_COST_PER_CALL_USD: 'lots', BRUSHWORK_BUDGET_WINDOW: 'week', BRUSHWORK_BUDGET_USD: '5' },
      [],
      context,
    );
    expect(outcome.kind).toBe('error');
    const errors = outcome.kind === 'error' ? outcome.errors.join('\n') : '';
    expect(errors).toMatch(/BRUSHWORK_MAX_COST_PER_CALL_USD: expected a positive amount of US dollars/);
    expect(errors).toMatch(/BRUSHWORK_BUDGET_WINDOW: expected day, month or a positive number of hours/);

    const ok = parseConfig(
      { BRUSHWORK_BUDGET_USD: '$2.50', BRUSHWORK_BUDGET_WINDOW: '6', BRUSHWORK_PRICES: 'prices.json' },
      [],
      context,
    );
    expect(ok.kind === 'config' && ok.config.spend).toEqual({
      budgetUsd: 2.5,
      window: { kind: 'hours', hours: 6 },
      ledgerPrompts: false,
      pricesFile: '/work/prices.json',
    });
  });

  it('are listed in --help', () => {
    for (const name of ['BRUSHWORK_MAX_COST_PER_CALL_USD', 'BRUSHWORK_BUDGET_USD', 'BRUSHWORK_PRICES'])
      expect(helpText()).toContain(name);
  });

  it('BRUSHWORK_PRICES: a bad file is a configuration error naming the file and the field; a good one prices', async () => {
    harness = await startHarness();
    const file = join(harness.root, 'prices.json');
    await writeFile(file, JSON.stringify({ models: { 'gpt-image-2': { tokens: { imageOutput: 'x' } } } }));
    const config = { ...harness.config, spend: { ...harness.config.spend, pricesFile: file } };
    await expect(createServerSpendGuard(config)).rejects.toThrow(/BRUSHWORK_PRICES \(.*prices\.json\).*imageOutput/);
    await writeFile(file, JSON.stringify({ models: { 'my-model': { like: 'gpt-image-2' } } }));
    const guard = await createServerSpendGuard(config);
    expect(guard.estimate({ model: 'my-model', size: '1024x1024', quality: 'low' }).basis).toBe('estimate');
  });
});

describe('cost in the sandbox', () => {
  const call = async (h: Harness, name: string, args: Record<string, unknown>) =>
    (await h.client.callTool({ name, arguments: args })) as CallToolResult;

  it('generate_image reports cost and provenance; estimate_cost estimates', async () => {
    harness = await startHarness();
    const result = await call(harness, 'generate_image', { prompt: 'a fox', size: '1024x1024', quality: 'low' });
    const structured = result.structuredContent as {
      cost: { basis: string };
      images: { cost: { usd: number }; provenance: string }[];
    };
    expect(structured.cost.basis).toMatch(/usage|estimate/);
    expect(structured.images[0]).toMatchObject({ provenance: 'none', cost: { usd: expect.any(Number) } });
    const estimate = await call(harness, 'estimate_cost', { prompt: 'a fox', size: '1024x1024', quality: 'low' });
    expect(estimate.structuredContent).toMatchObject({ operation: 'generate', estimate: { basis: 'estimate' } });
    expect(textOf(estimate)).toMatch(/^generate_image with gpt-image-2: Estimated cost: \$/);
  });

  it('an unpriced model is refused while a cap is set, saying where to add a price', async () => {
    harness = await startHarness({ BRUSHWORK_BUDGET_USD: '1' });
    const result = await call(harness, 'generate_image', { prompt: 'a fox', model: 'my-own-model' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/cannot be estimated.*Add the model to BRUSHWORK_PRICES/s);
  });
});
