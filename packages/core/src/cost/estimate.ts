/**
 * Cost of a request before it is sent (`estimateCost`), of an answer from the usage it reports
 * (`costFromUsage`), and per image (`splitCost`, `priceResult`). Pure functions over a price table.
 */
import { BUILTIN_PRICES, findPriceRow, type PriceRow, type PriceTable, type TokenPriceRow } from './prices.js';
import {
  AUTO_SIZE_CANDIDATES,
  estimateTextTokens,
  inputImageTokens,
  outputTokensPerImage,
  PARTIAL_IMAGE_OUTPUT_TOKENS,
  pricedSizesText,
  TOKEN_QUALITIES,
  type TokenQuality,
  UNKNOWN_INPUT_IMAGE_TOKENS,
} from './tokens.js';

/** What the price depends on. `ImageRequest` fits as is; an edit adds its input images' sizes. */
export interface CostRequest {
  /** Model id (or an Azure deployment name, priced only through an override row). */
  model?: string;
  prompt?: string;
  n?: number;
  size?: string;
  quality?: string;
  stream?: boolean;
  partialImages?: number;
  /** Edits: each input image's size; `undefined` for one whose size is not known. */
  inputImages?: ReadonlyArray<{ width: number; height: number } | undefined>;
  inputFidelity?: 'high' | 'low';
}

/** Token counts as the API reports them (`Usage` of @brushwork/core fits). */
export interface UsageTokens {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  inputTextTokens?: number;
  inputImageTokens?: number;
  /** Input tokens served from cache, when a host reports them. */
  cachedInputTextTokens?: number;
  cachedInputImageTokens?: number;
}

export interface TokenCounts {
  textInput: number;
  cachedTextInput: number;
  imageInput: number;
  cachedImageInput: number;
  imageOutput: number;
}

export interface PricedCost {
  usd: number;
  /** 'usage': from the tokens the API reported. 'estimate': predicted, or a per-image list price. */
  basis: 'usage' | 'estimate';
  /** The date the price row was checked. */
  priceDate: string;
  /** The price row used. */
  model: string;
  source: string;
  images: number;
  tokens?: TokenCounts;
  /** What the estimate had to assume (auto size or quality, unknown input sizes, missing usage). */
  assumptions?: string[];
}

export interface UnknownCost {
  usd: null;
  basis: 'unknown';
  priceDate: null;
  images: number;
  /** Why there is no price. */
  reason: string;
}

export type Cost = PricedCost | UnknownCost;

export interface CostOptions {
  /** Default: the built-in table. Use `priceTable(overrides)` for user prices. */
  prices?: PriceTable;
}

const round = (usd: number) => Math.round(usd * 1e8) / 1e8;

function unknown(reason: string, images: number): UnknownCost {
  return { usd: null, basis: 'unknown', priceDate: null, images, reason };
}

function imagesOf(n: number | undefined): number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 1;
}

function noRow(table: PriceTable, model: string | undefined, images: number): UnknownCost {
  const priced = table.rows.map((row) => row.model).join(', ');
  if (typeof model !== 'string' || model.trim() === '')
    return unknown(
      `No price: the request names no model (an Azure deployment picks its own). Add the deployment name to the price overrides. Priced models: ${priced}.`,
      images,
    );
  return unknown(
    `No price known for model "${model}". Priced models: ${priced}. Add it to the price overrides to get a cost.`,
    images,
  );
}

function priced(
  row: PriceRow,
  usd: number,
  basis: PricedCost['basis'],
  images: number,
  tokens: TokenCounts | undefined,
  assumptions: string[],
): PricedCost {
  const cost: PricedCost = {
    usd: round(usd),
    basis,
    priceDate: row.checked,
    model: row.model,
    source: row.source,
    images,
  };
  if (tokens) cost.tokens = tokens;
  if (assumptions.length > 0) cost.assumptions = assumptions;
  return cost;
}

/** USD of token counts at a row's rates (cached tokens at the cached rate where the row has one). */
export function usdOfTokens(row: TokenPriceRow, tokens: TokenCounts): number {
  const r = row.rates;
  return (
    (tokens.textInput * r.textInput +
      tokens.cachedTextInput * (r.cachedTextInput ?? r.textInput) +
      tokens.imageInput * r.imageInput +
      tokens.cachedImageInput * (r.cachedImageInput ?? r.imageInput) +
      tokens.imageOutput * r.imageOutput) /
    1_000_000
  );
}

function perImageEstimate(row: Extract<PriceRow, { kind: 'per-image' }>, request: CostRequest, images: number): Cost {
  const quality = request.quality ?? row.defaultQuality;
  const size = request.size ?? row.defaultSize;
  const prices = row.prices[quality];
  if (!prices)
    return unknown(
      `No ${row.model} price for quality "${quality}"; priced qualities: ${Object.keys(row.prices).join(', ')}.`,
      images,
    );
  const each = prices[size];
  if (each === undefined)
    return unknown(
      `No ${row.model} price for size "${size}" at quality "${quality}"; priced sizes: ${Object.keys(prices).join(', ')}.`,
      images,
    );
  return priced(row, each * images, 'estimate', images, undefined, []);
}

function tokenEstimate(row: TokenPriceRow, request: CostRequest, images: number, assumptions: string[]): Cost {
  let quality: TokenQuality;
  if (request.quality === undefined || request.quality === 'auto') {
    quality = 'high';
    assumptions.push('quality auto is estimated as high (the most expensive the model may pick)');
  } else if ((TOKEN_QUALITIES as readonly string[]).includes(request.quality)) {
    quality = request.quality as TokenQuality;
  } else {
    return unknown(
      `No ${row.model} token figure for quality "${request.quality}"; known: ${TOKEN_QUALITIES.join(', ')}, auto.`,
      images,
    );
  }

  let perImage: number | undefined;
  if (request.size === undefined || request.size === 'auto') {
    const candidates = AUTO_SIZE_CANDIDATES.map((size) => ({
      size,
      tokens: outputTokensPerImage(row.accounting, size, quality) ?? 0,
    }));
    const worst = candidates.reduce((a, b) => (b.tokens > a.tokens ? b : a));
    perImage = worst.tokens;
    assumptions.push(`size auto is estimated as ${worst.size} (the most expensive the model may pick)`);
  } else {
    perImage = outputTokensPerImage(row.accounting, request.size, quality);
    if (perImage === undefined)
      return unknown(
        `No ${row.model} token figure for size "${request.size}"; priced sizes: ${pricedSizesText(row.accounting)}.`,
        images,
      );
  }

  const partials = request.stream && request.partialImages ? Math.max(0, Math.floor(request.partialImages)) : 0;
  const imageOutput = images * (perImage + partials * PARTIAL_IMAGE_OUTPUT_TOKENS);
  let imageInput = 0;
  let unknownSizes = 0;
  for (const image of request.inputImages ?? []) {
    if (image) imageInput += inputImageTokens(image.width, image.height, request.inputFidelity);
    else {
      unknownSizes++;
      imageInput += UNKNOWN_INPUT_IMAGE_TOKENS + (request.inputFidelity === 'high' ? 6240 : 0);
    }
  }
  if (unknownSizes > 0)
    assumptions.push(
      `${unknownSizes} input image(s) of unknown size estimated at ${UNKNOWN_INPUT_IMAGE_TOKENS} tokens`,
    );
  const tokens: TokenCounts = {
    textInput: estimateTextTokens(request.prompt ?? ''),
    cachedTextInput: 0,
    imageInput,
    cachedImageInput: 0,
    imageOutput,
  };
  return priced(row, usdOfTokens(row, tokens), 'estimate', images, tokens, assumptions);
}

/**
 * The cost of a request before it is sent: output tokens from size and quality (auto: the most expensive
 * choice), prompt tokens from the prompt, input-image tokens for edits, `n` images, partial images when
 * streaming. DALL-E: the per-image price × n. A model without a price row: `basis: 'unknown'`.
 */
export function estimateCost(request: CostRequest, options: CostOptions = {}): Cost {
  const table = options.prices ?? BUILTIN_PRICES;
  const images = imagesOf(request.n);
  const row = findPriceRow(table, request.model);
  if (!row) return noRow(table, request.model, images);
  if (row.kind === 'per-image') return perImageEstimate(row, request, images);
  return tokenEstimate(row, request, images, []);
}

const count = (n: number | undefined) => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0);

/** Token counts by kind from reported usage; undefined when the usage says nothing about output. */
export function tokensOfUsage(usage: UsageTokens, hasInputImages: boolean): TokenCounts | undefined {
  const input = count(usage.inputTokens);
  let output = count(usage.outputTokens);
  if (usage.outputTokens === undefined) {
    if (usage.totalTokens === undefined) return undefined;
    output = Math.max(0, count(usage.totalTokens) - input);
  }
  let text = count(usage.inputTextTokens);
  let image = count(usage.inputImageTokens);
  if (usage.inputTextTokens === undefined && usage.inputImageTokens === undefined) {
    // No split reported: bill the input at the rate of what the request sent (images cost more).
    if (hasInputImages) image = input;
    else text = input;
  }
  const cachedText = Math.min(text, count(usage.cachedInputTextTokens));
  const cachedImage = Math.min(image, count(usage.cachedInputImageTokens));
  return {
    textInput: text - cachedText,
    cachedTextInput: cachedText,
    imageInput: image - cachedImage,
    cachedImageInput: cachedImage,
    imageOutput: output,
  };
}

export interface UsageCostOptions extends CostOptions {
  /** Images the answer holds (default: request.n). */
  images?: number;
}

/**
 * The cost of an answer: from the `usage` the API returned (tokens by kind), or — for per-image models,
 * and when a host returns no usage — the estimate for the images actually returned.
 */
export function costFromUsage(
  usage: UsageTokens | undefined,
  request: CostRequest,
  options: UsageCostOptions = {},
): Cost {
  const table = options.prices ?? BUILTIN_PRICES;
  const images = options.images ?? imagesOf(request.n);
  const row = findPriceRow(table, request.model);
  if (!row) return noRow(table, request.model, images);
  if (row.kind === 'per-image') return perImageEstimate(row, request, images);
  const tokens = usage ? tokensOfUsage(usage, (request.inputImages?.length ?? 0) > 0) : undefined;
  if (!tokens) {
    return tokenEstimate(row, { ...request, n: images }, images, ['the API returned no token usage']);
  }
  return priced(row, usdOfTokens(row, tokens), 'usage', images, tokens, []);
}

/**
 * A cost split over `count` images: equal shares (images of one request share its size, quality and
 * input), in whole micro-dollars so the shares add up to the total.
 */
export function splitCost(cost: Cost, count: number): Cost[] {
  const n = Math.max(0, Math.floor(count));
  if (n === 0) return [];
  if (cost.basis === 'unknown') return Array.from({ length: n }, () => ({ ...cost, images: 1 }));
  const micros = Math.round(cost.usd * 1e6);
  const share = Math.floor(micros / n);
  const rest = micros - share * n;
  return Array.from({ length: n }, (_, i) => {
    const each: PricedCost = {
      usd: (share + (i < rest ? 1 : 0)) / 1e6,
      basis: cost.basis,
      priceDate: cost.priceDate,
      model: cost.model,
      source: cost.source,
      images: 1,
    };
    return each;
  });
}

/** What `priceResult` needs of an `ImageResult`. */
export interface PricedResultInput {
  model?: string;
  usage?: UsageTokens;
  images: readonly unknown[];
}

/**
 * Cost of a whole result and of each of its images. The model is the request's, else the result's (an
 * Azure deployment name); the images are those that arrived.
 */
export function priceResult(
  result: PricedResultInput,
  request: CostRequest,
  options: CostOptions = {},
): { cost: Cost; images: Cost[] } {
  const model = request.model ?? result.model;
  const cost = costFromUsage(result.usage, { ...request, model }, { ...options, images: result.images.length });
  return { cost, images: splitCost(cost, result.images.length) };
}

/** "$0.034", "$0.10", "$1.25", "$0.00022": for messages. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(4).replace(/0{1,2}$/, '')}`;
  return `$${Number(usd.toPrecision(2))}`;
}
