/**
 * One guarded call, for the tools: estimate, reserve (or refuse before any request), run the call, price
 * the result from its usage, settle the ledger line — also when the call fails, then rethrow.
 */
import { type Cost, type CostRequest, type PricedResultInput, priceResult } from '@brushwork/core';
import type { Refusal, SpendGuard } from './guard.js';

export type GuardedOutcome<R> =
  | { ok: true; result: R; estimate: Cost; cost: Cost; images: Cost[] }
  | { ok: false; message: string; refusal: Refusal };

export async function runGuarded<R extends PricedResultInput>(
  guard: SpendGuard,
  tool: string,
  request: CostRequest,
  call: () => Promise<R>,
  /** Saves a result (given its cost); returns the file names (written to the ledger line). */
  save: (result: R, priced: { cost: Cost; images: Cost[] }) => Promise<readonly string[]> = async () => [],
): Promise<GuardedOutcome<R>> {
  const reserved = await guard.reserve(tool, request);
  if (!reserved.ok) return reserved;
  const { reservation } = reserved;
  let result: R;
  try {
    result = await call();
  } catch (error) {
    await guard.settle(reservation, { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  const priced = priceResult(result, request, guard.prices ? { prices: guard.prices } : {});
  let files: readonly string[] = [];
  try {
    files = await save(result, priced);
  } finally {
    await guard.settle(reservation, { result, cost: priced.cost, files });
  }
  return { ok: true, result, estimate: reservation.estimate, cost: priced.cost, images: priced.images };
}
