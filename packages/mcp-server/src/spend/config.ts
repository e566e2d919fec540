/**
 * Spend settings from the environment: a pure function of the variables, giving the settings or every
 * problem in words (which variable, what it got, what it takes). Reading BRUSHWORK_PRICES's file is
 * `loadPrices` (I/O), kept apart.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parsePriceOverridesJson, type PriceTable } from '@brushwork/core';

/** 'day' and 'month' are calendar periods in UTC; a number is a rolling window of that many hours. */
export type BudgetWindow = { kind: 'day' } | { kind: 'month' } | { kind: 'hours'; hours: number };

export interface SpendConfig {
  /** BRUSHWORK_MAX_COST_PER_CALL_USD: refuse a call whose estimate is above it. */
  maxCostPerCallUsd?: number;
  /** BRUSHWORK_BUDGET_USD: refuse calls once the window's spend plus the estimate would pass it. */
  budgetUsd?: number;
  /** BRUSHWORK_BUDGET_WINDOW (default day). */
  window: BudgetWindow;
  /** BRUSHWORK_LEDGER_PROMPTS=1: the ledger keeps prompts too. */
  ledgerPrompts: boolean;
  /** BRUSHWORK_PRICES: absolute path of a JSON price overrides file. */
  pricesFile?: string;
}

export const SPEND_VARIABLES = [
  ['BRUSHWORK_MAX_COST_PER_CALL_USD', 'refuse a call whose estimated cost is above this many USD'],
  ['BRUSHWORK_BUDGET_USD', 'refuse calls once the window’s spend plus the estimate would pass this many USD'],
  ['BRUSHWORK_BUDGET_WINDOW', 'day (UTC, default), month (UTC) or a number of hours (rolling)'],
  ['BRUSHWORK_LEDGER_PROMPTS', '1: keep prompts in brushwork-ledger.jsonl (default: never)'],
  ['BRUSHWORK_PRICES', 'JSON file of price overrides ({"models": {"<model>": {...}}})'],
] as const;

function usd(env: Record<string, string | undefined>, name: string, errors: string[]): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim().replace(/^\$/, '');
  const value = /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0) {
    errors.push(`${name}: expected a positive amount of US dollars such as 5 or 0.25, got "${raw}"`);
    return undefined;
  }
  return value;
}

function windowOf(raw: string | undefined, errors: string[]): BudgetWindow {
  if (raw === undefined || raw.trim() === '') return { kind: 'day' };
  const text = raw.trim().toLowerCase();
  if (text === 'day' || text === 'month') return { kind: text };
  const hours = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isFinite(hours) && hours > 0) return { kind: 'hours', hours };
  errors.push(`BRUSHWORK_BUDGET_WINDOW: expected day, month or a positive number of hours such as 24, got "${raw}"`);
  return { kind: 'day' };
}

export function parseSpendConfig(
  env: Record<string, string | undefined>,
  cwd: string,
): { ok: true; config: SpendConfig } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const maxCostPerCallUsd = usd(env, 'BRUSHWORK_MAX_COST_PER_CALL_USD', errors);
  const budgetUsd = usd(env, 'BRUSHWORK_BUDGET_USD', errors);
  const window = windowOf(env['BRUSHWORK_BUDGET_WINDOW'], errors);
  if (env['BRUSHWORK_BUDGET_WINDOW']?.trim() && env['BRUSHWORK_BUDGET_USD'] === undefined)
    errors.push('BRUSHWORK_BUDGET_WINDOW is set but BRUSHWORK_BUDGET_USD is not: set the budget the window applies to');
  const prompts = env['BRUSHWORK_LEDGER_PROMPTS']?.trim().toLowerCase();
  let ledgerPrompts = false;
  if (prompts !== undefined && prompts !== '') {
    if (['1', 'true', 'yes', 'on'].includes(prompts)) ledgerPrompts = true;
    else if (!['0', 'false', 'no', 'off'].includes(prompts))
      errors.push(
        `BRUSHWORK_LEDGER_PROMPTS: expected 1 or 0 (true/false, yes/no, on/off), got "${env['BRUSHWORK_LEDGER_PROMPTS']}"`,
      );
  }
  const pricesRaw = env['BRUSHWORK_PRICES']?.trim();
  const config: SpendConfig = { window, ledgerPrompts };
  if (maxCostPerCallUsd !== undefined) config.maxCostPerCallUsd = maxCostPerCallUsd;
  if (budgetUsd !== undefined) config.budgetUsd = budgetUsd;
  if (pricesRaw) config.pricesFile = isAbsolute(pricesRaw) ? pricesRaw : resolve(cwd, pricesRaw);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
}

/** The price table: built-in rows plus the BRUSHWORK_PRICES file's overrides. Throws with the file and field. */
export async function loadPrices(pricesFile: string | undefined): Promise<PriceTable | undefined> {
  if (!pricesFile) return undefined;
  let text: string;
  try {
    text = await readFile(pricesFile, 'utf8');
  } catch (error) {
    throw new Error(
      `BRUSHWORK_PRICES: cannot read ${pricesFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parsePriceOverridesJson(text, `BRUSHWORK_PRICES (${pricesFile})`);
}

/** "this day (UTC)", "this month (UTC)", "the last 6 hours". */
export function describeWindow(window: BudgetWindow): string {
  if (window.kind === 'day') return 'today (UTC)';
  if (window.kind === 'month') return 'this month (UTC)';
  return `the last ${window.hours} hour${window.hours === 1 ? '' : 's'}`;
}

/** Start of the window containing `now`, in ms. */
export function windowStart(window: BudgetWindow, now: number): number {
  const d = new Date(now);
  if (window.kind === 'day') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (window.kind === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  return now - window.hours * 3_600_000;
}
