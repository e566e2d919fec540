/**
 * How both consumers show a cost: the three fields every result carries (`costFields`), a line of text
 * (`costText`), and an estimate as a consumer outputs it (`estimateReport`). Pure.
 */
import { type Cost, formatUsd } from './estimate.js';

/** `cost` on a result or an image, as the MCP structuredContent and the n8n item JSON carry it. */
export interface CostFields {
  usd: number | null;
  basis: Cost['basis'];
  priceDate: string | null;
}

export function costFields(cost: Cost): CostFields {
  return { usd: cost.usd, basis: cost.basis, priceDate: cost.priceDate };
}

/** "$0.034 (from the usage the API reported; prices checked 2026-11-20)", or why there is no price. */
export function costText(cost: Cost): string {
  if (cost.basis === 'unknown') return `unknown (${cost.reason})`;
  const basis = cost.basis === 'usage' ? 'from the usage the API reported' : 'estimated from the price table';
  return `${formatUsd(cost.usd)} (${basis}; prices checked ${cost.priceDate})`;
}

/** An estimate as the MCP estimate_cost tool and the n8n "Estimate Cost" operation output it. */
export interface EstimateReport {
  estimate: CostFields;
  /** Each image's share of the estimate. */
  perImageUsd: number | null;
  images: number;
  /** The price row used, and where its figures come from. */
  priceModel?: string;
  priceSource?: string;
  tokens?: Extract<Cost, { basis: 'estimate' | 'usage' }>['tokens'];
  /** What the estimate had to assume, or why there is no price. */
  notes: string[];
  text: string;
}

export function estimateReport(cost: Cost): EstimateReport {
  const report: EstimateReport = {
    estimate: costFields(cost),
    perImageUsd: cost.usd === null ? null : Math.round((cost.usd / Math.max(1, cost.images)) * 1e8) / 1e8,
    images: cost.images,
    notes: cost.basis === 'unknown' ? [cost.reason] : [...(cost.assumptions ?? [])],
    text: `Estimated cost: ${costText(cost)}`,
  };
  if (cost.basis !== 'unknown') {
    report.priceModel = cost.model;
    report.priceSource = cost.source;
    if (cost.tokens) report.tokens = cost.tokens;
  }
  return report;
}
