/**
 * The spend guard of one output directory: refuses a call before any upstream request when its estimate
 * is above the per-call cap, or when the budget window's spend plus what calls in flight have reserved plus
 * the estimate would pass the budget; otherwise reserves the estimate. After the call it appends the
 * call's ledger line and drops the reservation. The check-and-reserve and the settle each run under the
 * directory's lock, so concurrent calls — in this process or another sharing the directory — see each
 * other's reservations: ten calls against a budget that fits three let exactly three through.
 */
import { join } from 'node:path';
import {
  type Cost,
  type CostRequest,
  estimateCost,
  formatUsd,
  type PriceTable,
  priceResult,
  type PricedResultInput,
} from '@brushwork/core';
import { type BudgetWindow, describeWindow, type SpendConfig, windowStart } from './config.js';
import { appendLedgerLine, LedgerReader, type LedgerLine, LOCK_FILE } from './ledger.js';
import { type LockOptions, withFileLock } from './lock.js';
import { addReservation, removeReservation, reservedUsd } from './reservations.js';

export interface SpendGuardOptions {
  /** The output directory (ledger, lock and reservations live there). */
  dir: string;
  config: SpendConfig;
  prices?: PriceTable;
  now?: () => number;
  /** A reservation older than this is ignored (its call hung or its process died). Default 1 hour. */
  reservationTtlMs?: number;
  lock?: LockOptions;
}

export interface Refusal {
  cap: 'per-call' | 'budget' | 'unpriced';
  /** The cap that refused: per-call cap or budget, in USD. */
  capUsd: number;
  estimateUsd: number | null;
  /** Spent in the window so far (settled calls). */
  spentUsd: number;
  /** Held by calls in flight. */
  reservedUsd: number;
  window: string;
}

export interface Reservation {
  tool: string;
  request: CostRequest;
  estimate: Cost;
  /** Reservation file id; undefined when no budget is set (nothing to hold). */
  id?: string;
}

export type ReserveOutcome = { ok: true; reservation: Reservation } | { ok: false; message: string; refusal: Refusal };

export interface SettleInput {
  /** The result (usage, images, model): its cost is computed from the usage. */
  result?: PricedResultInput;
  /** The cost, when the caller computed it already. */
  cost?: Cost;
  files?: readonly string[];
  /** The call failed: the error's message (already free of secrets). */
  error?: string;
}

export interface SpendGuard {
  readonly config: SpendConfig;
  readonly prices: PriceTable | undefined;
  estimate(request: CostRequest): Cost;
  /** Before the upstream request. */
  reserve(tool: string, request: CostRequest, estimate?: Cost): Promise<ReserveOutcome>;
  /** After it (success or failure): one ledger line; the reservation is released. */
  settle(reservation: Reservation, outcome: SettleInput): Promise<LedgerLine>;
  /** Spent and reserved in the current window. */
  status(): Promise<{ spentUsd: number; reservedUsd: number; window: string; budgetUsd?: number }>;
}

const micros = (usd: number) => Math.round(usd * 1e6);

function what(request: CostRequest): string {
  const n = request.n ?? 1;
  const parts = [request.model ?? 'deployment model', `${n} image${n === 1 ? '' : 's'}`];
  if (request.size) parts.push(request.size);
  if (request.quality) parts.push(request.quality);
  return parts.join(', ');
}

export function createSpendGuard(options: SpendGuardOptions): SpendGuard {
  const { dir, config, prices } = options;
  const now = options.now ?? Date.now;
  const ttlMs = options.reservationTtlMs ?? 3_600_000;
  const lockPath = join(dir, LOCK_FILE);
  const reader = new LedgerReader(dir);
  const window: BudgetWindow = config.window;
  const windowText = describeWindow(window);
  const capsOn = config.maxCostPerCallUsd !== undefined || config.budgetUsd !== undefined;
  const locked = <T>(fn: () => Promise<T>) => withFileLock(lockPath, fn, options.lock);

  async function totals(t: number): Promise<{ spent: number; reserved: number }> {
    await reader.refresh();
    return { spent: reader.spentSince(windowStart(window, t)), reserved: await reservedUsd(dir, t, ttlMs) };
  }

  function spendText(spent: number, reserved: number): string {
    const budget = config.budgetUsd !== undefined ? ` of BRUSHWORK_BUDGET_USD ${formatUsd(config.budgetUsd)}` : '';
    const held = reserved > 0 ? `, plus ${formatUsd(reserved)} reserved by calls in flight` : '';
    return `Spent so far ${windowText}: ${formatUsd(spent)}${budget}${held}.`;
  }

  const guard: SpendGuard = {
    config,
    prices,
    estimate: (request) => estimateCost(request, prices ? { prices } : {}),

    async reserve(tool, request, given) {
      const estimate = given ?? guard.estimate(request);
      if (!capsOn) return { ok: true, reservation: { tool, request, estimate } };
      return locked(async () => {
        const t = now();
        const { spent, reserved } = await totals(t);
        const refuse = (cap: Refusal['cap'], capUsd: number, message: string): ReserveOutcome => ({
          ok: false,
          message: `${message} ${spendText(spent, reserved)} No request was sent.`,
          refusal: {
            cap,
            capUsd,
            estimateUsd: estimate.usd,
            spentUsd: spent,
            reservedUsd: reserved,
            window: windowText,
          },
        });
        const capName =
          config.maxCostPerCallUsd !== undefined
            ? `BRUSHWORK_MAX_COST_PER_CALL_USD ${formatUsd(config.maxCostPerCallUsd)}`
            : `BRUSHWORK_BUDGET_USD ${formatUsd(config.budgetUsd!)}`;
        if (estimate.basis === 'unknown')
          return refuse(
            'unpriced',
            config.maxCostPerCallUsd ?? config.budgetUsd!,
            `Refused: ${capName} is set, and the cost of this call (${what(request)}) cannot be estimated: ${estimate.reason} Add the model to BRUSHWORK_PRICES to allow it.`,
          );
        if (config.maxCostPerCallUsd !== undefined && micros(estimate.usd) > micros(config.maxCostPerCallUsd))
          return refuse(
            'per-call',
            config.maxCostPerCallUsd,
            `Refused: the estimated cost ${formatUsd(estimate.usd)} (${what(request)}) is above BRUSHWORK_MAX_COST_PER_CALL_USD ${formatUsd(config.maxCostPerCallUsd)}.`,
          );
        if (config.budgetUsd !== undefined) {
          const after = micros(spent) + micros(reserved) + micros(estimate.usd);
          if (after > micros(config.budgetUsd))
            return refuse(
              'budget',
              config.budgetUsd,
              `Refused: the estimated cost ${formatUsd(estimate.usd)} (${what(request)}) would take spending ${windowText} to ${formatUsd(after / 1e6)}, over BRUSHWORK_BUDGET_USD ${formatUsd(config.budgetUsd)}.`,
            );
          const id = await addReservation(dir, estimate.usd, tool, t);
          return { ok: true, reservation: { tool, request, estimate, id } };
        }
        return { ok: true, reservation: { tool, request, estimate } };
      });
    },

    async settle(reservation, outcome) {
      const { request } = reservation;
      let cost: Cost;
      if (outcome.cost) cost = outcome.cost;
      else if (outcome.result) cost = priceResult(outcome.result, request, prices ? { prices } : {}).cost;
      else
        cost =
          reservation.estimate.basis === 'unknown'
            ? reservation.estimate
            : { ...reservation.estimate, usd: 0, images: 0, basis: 'estimate' };
      const line: LedgerLine = {
        time: new Date(now()).toISOString(),
        tool: reservation.tool,
        ...((request.model ?? outcome.result?.model) ? { model: request.model ?? outcome.result?.model } : {}),
        ...(request.size ? { size: request.size } : {}),
        ...(request.quality ? { quality: request.quality } : {}),
        n: request.n ?? 1,
        images: outcome.result?.images.length ?? 0,
        ...(outcome.result?.usage ? { usage: outcome.result.usage } : {}),
        cost: { usd: cost.usd, basis: cost.basis, priceDate: cost.priceDate },
        estimateUsd: reservation.estimate.usd,
        files: [...(outcome.files ?? [])],
        outcome: outcome.error === undefined ? 'ok' : 'error',
        ...(outcome.error !== undefined ? { error: outcome.error } : {}),
        ...(config.ledgerPrompts && request.prompt !== undefined ? { prompt: request.prompt } : {}),
      };
      await locked(async () => {
        await appendLedgerLine(dir, line);
        if (reservation.id) await removeReservation(dir, reservation.id);
      });
      return line;
    },

    async status() {
      return locked(async () => {
        const { spent, reserved } = await totals(now());
        return {
          spentUsd: spent,
          reservedUsd: reserved,
          window: windowText,
          ...(config.budgetUsd !== undefined ? { budgetUsd: config.budgetUsd } : {}),
        };
      });
    },
  };
  return guard;
}
