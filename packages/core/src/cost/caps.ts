/**
 * Spend caps as a pure decision, shared by both consumers so every refusal reads the same: it names the
 * cap, the estimate and the spend so far. The MCP server passes its environment variables and the ledger's
 * window spend; the n8n node its options and what the execution's earlier items were estimated at.
 */
import { type Cost, formatUsd } from './estimate.js';

export interface SpendCap {
  /** How the user set it: "BRUSHWORK_MAX_COST_PER_CALL_USD", "Max Estimated Cost per Item". */
  name: string;
  usd: number;
}

export interface CapCheck {
  estimate: Cost;
  /** Refuses a call whose estimate is above it. */
  perCall?: SpendCap;
  /** Refuses a call when spent + reserved + estimate would pass it. */
  budget?: SpendCap;
  /** Spent so far in the budget's window (or execution). */
  spentUsd: number;
  /** Held by calls in flight (reserved, not yet settled). */
  reservedUsd?: number;
  /** Where the spend was counted: "today (UTC)", "in this execution". */
  spentLabel: string;
  /** The call in a few words: "gpt-image-2, 1 image, 1024x1024, high". */
  what: string;
  /** Added to an unpriced refusal: where the user adds prices ("Add the model to BRUSHWORK_PRICES."). */
  unpricedHint?: string;
}

export interface CapRefusal {
  cap: 'per-call' | 'budget' | 'unpriced';
  capUsd: number;
  estimateUsd: number | null;
  spentUsd: number;
  reservedUsd: number;
  message: string;
}

const micros = (usd: number) => Math.round(usd * 1e6);

/** The refusal for a call the caps do not allow, or undefined. Unpriced calls are refused while a cap is set. */
export function checkCaps(check: CapCheck): CapRefusal | undefined {
  const { estimate, perCall, budget, spentUsd, spentLabel, what } = check;
  const reservedUsd = check.reservedUsd ?? 0;
  const first = perCall ?? budget;
  if (!first) return undefined;
  const held = reservedUsd > 0 ? `, plus ${formatUsd(reservedUsd)} reserved by calls in flight` : '';
  const spent = `Spent so far ${spentLabel}: ${formatUsd(spentUsd)}${budget ? ` of ${budget.name} ${formatUsd(budget.usd)}` : ''}${held}.`;
  const refuse = (cap: CapRefusal['cap'], capUsd: number, text: string): CapRefusal => ({
    cap,
    capUsd,
    estimateUsd: estimate.usd,
    spentUsd,
    reservedUsd,
    message: `${text} ${spent}`,
  });
  if (estimate.basis === 'unknown')
    return refuse(
      'unpriced',
      first.usd,
      `Refused: ${first.name} ${formatUsd(first.usd)} is set, and the cost of this call (${what}) cannot be estimated: ${estimate.reason}${check.unpricedHint ? ` ${check.unpricedHint}` : ''}`,
    );
  if (perCall && micros(estimate.usd) > micros(perCall.usd))
    return refuse(
      'per-call',
      perCall.usd,
      `Refused: the estimated cost ${formatUsd(estimate.usd)} (${what}) is above ${perCall.name} ${formatUsd(perCall.usd)}.`,
    );
  if (budget) {
    const after = micros(spentUsd) + micros(reservedUsd) + micros(estimate.usd);
    if (after > micros(budget.usd))
      return refuse(
        'budget',
        budget.usd,
        `Refused: the estimated cost ${formatUsd(estimate.usd)} (${what}) would take spending ${spentLabel} to ${formatUsd(after / 1e6)}, over ${budget.name} ${formatUsd(budget.usd)}.`,
      );
  }
  return undefined;
}

/** "gpt-image-2, 2 images, 1024x1024, high": a request in a few words, for refusals. */
export function describeCall(request: { model?: string; n?: number; size?: string; quality?: string }): string {
  const n = request.n ?? 1;
  const parts = [request.model ?? 'the deployment’s model', `${n} image${n === 1 ? '' : 's'}`];
  if (request.size) parts.push(request.size);
  if (request.quality) parts.push(request.quality);
  return parts.join(', ');
}
