import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateCost } from '@brushwork/core';
import { describe, expect, it } from 'vitest';
import { describeWindow, loadPrices, parseSpendConfig, windowStart } from '../../src/spend/index.js';

describe('parseSpendConfig', () => {
  it('nothing set: no caps, day window, no prompts', () => {
    expect(parseSpendConfig({}, '/work')).toEqual({
      ok: true,
      config: { window: { kind: 'day' }, ledgerPrompts: false },
    });
  });

  it('reads caps, window, prompts and the prices path', () => {
    const outcome = parseSpendConfig(
      {
        BRUSHWORK_MAX_COST_PER_CALL_USD: '0.25',
        BRUSHWORK_BUDGET_USD: '$5',
        BRUSHWORK_BUDGET_WINDOW: '6',
        BRUSHWORK_LEDGER_PROMPTS: '1',
        BRUSHWORK_PRICES: 'prices.json',
      },
      '/work',
    );
    expect(outcome).toEqual({
      ok: true,
      config: {
        maxCostPerCallUsd: 0.25,
        budgetUsd: 5,
        window: { kind: 'hours', hours: 6 },
        ledgerPrompts: true,
        pricesFile: '/work/prices.json',
      },
    });
    expect(parseSpendConfig({ BRUSHWORK_BUDGET_USD: '1', BRUSHWORK_BUDGET_WINDOW: 'Month' }, '/')).toMatchObject({
      config: { window: { kind: 'month' } },
    });
  });

  it('every problem named with the variable, the value and what it takes', () => {
    const outcome = parseSpendConfig(
      {
        BRUSHWORK_MAX_COST_PER_CALL_USD: 'ten',
        BRUSHWORK_BUDGET_USD: '-3',
        BRUSHWORK_BUDGET_WINDOW: 'week',
        BRUSHWORK_LEDGER_PROMPTS: 'maybe',
      },
      '/',
    );
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.errors).toEqual([
      'BRUSHWORK_MAX_COST_PER_CALL_USD: expected a positive amount of US dollars such as 5 or 0.25, got "ten"',
      'BRUSHWORK_BUDGET_USD: expected a positive amount of US dollars such as 5 or 0.25, got "-3"',
      'BRUSHWORK_BUDGET_WINDOW: expected day, month or a positive number of hours such as 24, got "week"',
      'BRUSHWORK_LEDGER_PROMPTS: expected 1 or 0 (true/false, yes/no, on/off), got "maybe"',
    ]);
    const lonely = parseSpendConfig({ BRUSHWORK_BUDGET_WINDOW: 'day' }, '/');
    expect(!lonely.ok && lonely.errors[0]).toMatch(/BRUSHWORK_BUDGET_WINDOW is set but BRUSHWORK_BUDGET_USD is not/);
  });

  it('windows: UTC day, UTC month, rolling hours', () => {
    const t = Date.parse('2026-11-29T15:30:00Z');
    expect(new Date(windowStart({ kind: 'day' }, t)).toISOString()).toBe('2026-11-29T00:00:00.000Z');
    expect(new Date(windowStart({ kind: 'month' }, t)).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(new Date(windowStart({ kind: 'hours', hours: 6 }, t)).toISOString()).toBe('2026-11-29T09:30:00.000Z');
    expect(describeWindow({ kind: 'hours', hours: 1 })).toBe('the last 1 hour');
  });
});

describe('loadPrices', () => {
  it('reads overrides from the file; names the file and the field on a problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'brushwork-prices-'));
    try {
      const file = join(dir, 'prices.json');
      await writeFile(file, JSON.stringify({ models: { images: { like: 'gpt-image-2' } } }));
      const prices = await loadPrices(file);
      expect(estimateCost({ model: 'images', prompt: 'x' }, { prices }).basis).toBe('estimate');
      await writeFile(file, JSON.stringify({ models: { images: { like: 'gpt-image-9' } } }));
      await expect(loadPrices(file)).rejects.toThrow(/BRUSHWORK_PRICES \(.*prices\.json\).*models\."images"\.like/);
      await expect(loadPrices(join(dir, 'missing.json'))).rejects.toThrow(
        /BRUSHWORK_PRICES: cannot read .*missing\.json: ENOENT/,
      );
      expect(await loadPrices(undefined)).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
