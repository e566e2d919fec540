/**
 * cost/: what a call costs. The price table as data (each row with the date it was checked and its
 * source), user overrides (zod-validated), token accounting by size and quality, the estimate before a
 * call, the cost from the usage the API returns, per-image shares, spend caps and their refusal text.
 * Pure; may import models/ and request/ types only (it takes plain inputs: model id, size, quality, n).
 */
export {
  BUILTIN_PRICE_ROWS,
  BUILTIN_PRICES,
  findPriceRow,
  priceKey,
  priceRowSchema,
  TOKEN_ACCOUNTINGS,
  type PerImagePriceRow,
  type PriceRow,
  type PriceTable,
  type TokenAccounting,
  type TokenPriceRow,
  type TokenRates,
} from './prices.js';
export {
  estimateTextTokens,
  GPT_IMAGE_1_OUTPUT_TOKENS,
  gptImage2OutputTokens,
  inputImageTokens,
  outputTokensPerImage,
  PARTIAL_IMAGE_OUTPUT_TOKENS,
} from './tokens.js';
export {
  costFromUsage,
  estimateCost,
  formatUsd,
  priceResult,
  splitCost,
  tokensOfUsage,
  usdOfTokens,
  type Cost,
  type CostOptions,
  type CostRequest,
  type PricedCost,
  type PricedResultInput,
  type TokenCounts,
  type UnknownCost,
  type UsageCostOptions,
  type UsageTokens,
} from './estimate.js';
export {
  parsePriceOverrides,
  parsePriceOverridesJson,
  PriceConfigError,
  priceOverridesSchema,
  type PriceConfigProblem,
  type PriceOverrideEntry,
  type PriceOverrides,
} from './overrides.js';
export { type CostRequestSource, costRequestOf } from './request.js';
export { type CapCheck, type CapRefusal, checkCaps, describeCall, type SpendCap } from './caps.js';
export { type CostFields, costFields, costText, type EstimateReport, estimateReport } from './report.js';
