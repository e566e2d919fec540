/**
 * Cost in the node: the price table (built-in, or with the "Prices (JSON)" option's overrides), the caps
 * ("Max Estimated Cost per Item" / "per Execution") and the admission of items in input order, so the
 * execution's spend so far is what the earlier items were estimated at, whatever finishes first.
 */
import {
  checkCaps,
  type Cost,
  costRequestOf,
  describeCall,
  estimateCost,
  type ImageRequest,
  type ImageResult,
  parsePriceOverrides,
  parsePriceOverridesJson,
  priceResult,
  type PriceTable,
  readImageSize,
  type SpendCap,
} from '@brushwork/core';
import { type IExecuteFunctions, NodeOperationError } from 'n8n-workflow';
import type { NodeOptions } from '../actions/image/request';

export interface CostSettings {
  /** For the core's cost functions: `{ prices }` with the user's table, `{}` for the built-in one. */
  pricing: { prices?: PriceTable };
  perItem?: SpendCap;
  perExecution?: SpendCap;
}

const PER_ITEM = 'Max Estimated Cost per Item';
const PER_EXECUTION = 'Max Estimated Cost per Execution';

function cap(name: string, value: unknown): SpendCap | undefined {
  const usd = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(usd) && usd > 0 ? { name, usd } : undefined;
}

/** The execution's cost settings (from the first item's options). A bad "Prices (JSON)" stops the run. */
export function readCostSettings(context: IExecuteFunctions, options: NodeOptions): CostSettings {
  const settings: CostSettings = { pricing: {} };
  const raw = options.prices;
  const label = 'Prices (JSON) option';
  try {
    if (typeof raw === 'string' && raw.trim() !== '') settings.pricing.prices = parsePriceOverridesJson(raw, label);
    else if (raw && typeof raw === 'object') settings.pricing.prices = parsePriceOverrides(raw, label);
  } catch (error) {
    throw new NodeOperationError(context.getNode(), (error as Error).message, {
      description:
        'Shape: {"models": {"gpt-image-2": {"tokens": {"imageOutput": 28}, "checked": "2026-12-01"}, "my-deployment": {"like": "gpt-image-2"}}}',
    });
  }
  const perItem = cap(PER_ITEM, options.maxCostPerItem);
  const perExecution = cap(PER_EXECUTION, options.maxCostPerExecution);
  if (perItem) settings.perItem = perItem;
  if (perExecution) settings.perExecution = perExecution;
  return settings;
}

/** What a request (edits: with their input images' sizes) is estimated to cost. */
export function estimateOf(request: ImageRequest, settings: CostSettings): Cost {
  return estimateCost(costRequestOf(request, readImageSize), settings.pricing);
}

/** Each image's share of what a result cost (from its usage, or the price table). */
export function imageCosts(result: ImageResult, request: ImageRequest, settings: CostSettings): Cost[] {
  return priceResult(result, costRequestOf(request, readImageSize), settings.pricing).images;
}

/**
 * Admits items against the caps in input order: item i is checked once item i − 1 was checked (or ended
 * without reaching the check). Only what was admitted counts as spent. A refusal is a NodeOperationError
 * naming the cap, the estimate and the spend so far; nothing is sent for that item.
 */
export class CostGate {
  private spentMicros = 0;
  private readonly turns: Array<{ done: Promise<void>; pass: () => void }>;

  constructor(
    private readonly context: IExecuteFunctions,
    private readonly settings: CostSettings,
    count: number,
  ) {
    this.turns = Array.from({ length: count }, () => {
      let pass = () => {};
      const done = new Promise<void>((resolve) => {
        pass = resolve;
      });
      return { done, pass };
    });
  }

  get active(): boolean {
    return this.settings.perItem !== undefined || this.settings.perExecution !== undefined;
  }

  async admit(itemIndex: number, request: ImageRequest, estimate: Cost): Promise<void> {
    try {
      if (itemIndex > 0) await this.turns[itemIndex - 1]?.done;
      const refusal = checkCaps({
        estimate,
        ...(this.settings.perItem ? { perCall: this.settings.perItem } : {}),
        ...(this.settings.perExecution ? { budget: this.settings.perExecution } : {}),
        spentUsd: this.spentMicros / 1e6,
        spentLabel: 'in this execution',
        what: describeCall(request),
        unpricedHint: 'Add the model to the Prices (JSON) option to allow it.',
      });
      if (refusal)
        throw new NodeOperationError(this.context.getNode(), `${refusal.message} No request was sent.`, {
          itemIndex,
          description: 'Raise the cap in the node’s options, or lower the size, quality or number of images.',
        });
      this.spentMicros += Math.round((estimate.usd ?? 0) * 1e6);
    } finally {
      this.pass(itemIndex);
    }
  }

  /** The item is done with the gate (admitted, refused, or ended before the check). */
  pass(itemIndex: number): void {
    this.turns[itemIndex]?.pass();
  }
}
