/**
 * The spend guard of one output directory: refuses a call before any upstream request when its estimate
 * is above the per-call cap, or when the budget window's spend plus what calls in flight have reserved plus
 * the estimate would pass the budget; otherwise reserves the estimate. After the call it appends the
 * call's ledger line and drops the reservation. The check-and-reserve and the settle each run under the
 * directory's lock, so concurrent calls — in this process or another sharing the directory — see each
 * other's reservations: ten calls against a budget that fits three let exactly three through.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CapRefusal,
  checkCaps,
  type Cost,
  type CostRequest,
  describeCall,
  estimateCost,
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

/** Why a call was refused: the cap, its amount, the estimate, the window's spend and reservations. */
export interface Refusal extends Omit<CapRefusal, 'message'> {
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

export interface CapStatus {
  estimate: Cost;
  spentUsd: number;
  reservedUsd: number;
  window: string;
  /** The refusal a call would get now. */
  refusal?: string;
}

export interface SpendGuard {
  readonly config: SpendConfig;
  readonly prices: PriceTable | undefined;
  estimate(request: CostRequest): Cost;
  /** What reserve would decide now, without reserving (estimate_cost). */
  check(request: CostRequest, estimate?: Cost): Promise<CapStatus>;
  /** Before the upstream request. */
  reserve(tool: string, request: CostRequest, estimate?: Cost): Promise<ReserveOutcome>;
  /** After it (success or failure): one ledger line; the reservation is released. */
  settle(reservation: Reservation, outcome: SettleInput): Promise<LedgerLine>;
  /** Spent and reserved in the current window. */
  status(): Promise<{ spentUsd: number; reservedUsd: number; window: string; budgetUsd?: number }>;
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
  let made: Promise<unknown> | undefined;
  const locked = async <T>(fn: () => Promise<T>) => {
    made ??= mkdir(dir, { recursive: true });
    await made;
    return withFileLock(lockPath, fn, options.lock);
  };

  async function totals(t: number): Promise<{ spent: number; reserved: number }> {
    await reader.refresh();
    return { spent: reader.spentSince(windowStart(window, t)), reserved: await reservedUsd(dir, t, ttlMs) };
  }

  const refusalOf = (estimate: Cost, request: CostRequest, spent: number, reserved: number) =>
    checkCaps({
      estimate,
      ...(config.maxCostPerCallUsd !== undefined
        ? { perCall: { name: 'BRUSHWORK_MAX_COST_PER_CALL_USD', usd: config.maxCostPerCallUsd } }
        : {}),
      ...(config.budgetUsd !== undefined ? { budget: { name: 'BRUSHWORK_BUDGET_USD', usd: config.budgetUsd } } : {}),
      spentUsd: spent,
      reservedUsd: reserved,
      spentLabel: windowText,
      what: describeCall(request),
      unpricedHint: 'Add the model to BRUSHWORK_PRICES to allow it.',
    });

  const guard: SpendGuard = {
    config,
    prices,
    estimate: (request) => estimateCost(request, prices ? { prices } : {}),

    async check(request, given) {
      const estimate = given ?? guard.estimate(request);
      const { spent, reserved } = capsOn ? await locked(() => totals(now())) : { spent: 0, reserved: 0 };
      const refusal = refusalOf(estimate, request, spent, reserved);
      return {
        estimate,
        spentUsd: spent,
        reservedUsd: reserved,
        window: windowText,
        ...(refusal ? { refusal: refusal.message } : {}),
      };
    },

    async reserve(tool, request, given) {
      const estimate = given ?? guard.estimate(request);
      if (!capsOn) return { ok: true, reservation: { tool, request, estimate } };
      return locked(async () => {
        const t = now();
        const { spent, reserved } = await totals(t);
        const refusal = refusalOf(estimate, request, spent, reserved);
        if (refusal) {
          const { message, ...rest } = refusal;
          return { ok: false, message: `${message} No request was sent.`, refusal: { ...rest, window: windowText } };
        }
        if (config.budgetUsd !== undefined && estimate.usd !== null) {
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
