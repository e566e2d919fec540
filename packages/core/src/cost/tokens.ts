/**
 * Token accounting of GPT image models, as OpenAI documents it, to predict usage before a call:
 * output tokens from size and quality, text tokens from the prompt, image tokens from the input images
 * of an edit, and the extra output tokens of streamed partial images. Pure functions.
 */
import type { TokenAccounting } from './prices.js';

/** Qualities the accountings know. `auto` is estimated as the most expensive (see estimate.ts). */
export const TOKEN_QUALITIES = ['low', 'medium', 'high'] as const;
export type TokenQuality = (typeof TOKEN_QUALITIES)[number];

/**
 * GPT image 1, 1-mini, 1.5: output tokens per image by size and quality (OpenAI image generation guide,
 * "Cost and latency": https://developers.openai.com/api/docs/guides/image-generation#cost-and-latency).
 */
export const GPT_IMAGE_1_OUTPUT_TOKENS: Readonly<Record<string, Readonly<Record<TokenQuality, number>>>> = {
  '1024x1024': { low: 272, medium: 1056, high: 4160 },
  '1024x1536': { low: 408, medium: 1584, high: 6240 },
  '1536x1024': { low: 400, medium: 1568, high: 6208 },
};

/**
 * GPT image 2: output tokens for any WxH, the rule behind OpenAI's cost calculator in the image generation
 * guide (as transcribed in https://community.openai.com/t/gpt-image-2-output-pricing-calculator-online-and-in-your-code/1382699;
 * it reproduces the calculator's 7024 tokens for 1024x1024 high and 5488 for 1536x1024 high).
 */
const GPT_IMAGE_2_QUALITY_FACTOR: Readonly<Record<TokenQuality, number>> = { low: 16, medium: 48, high: 96 };

export function gptImage2OutputTokens(width: number, height: number, quality: TokenQuality): number {
  const q = GPT_IMAGE_2_QUALITY_FACTOR[quality];
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  const shortFactor = Math.floor((2 * q * short + long) / (2 * long));
  return Math.floor((q * shortFactor * (2_000_000 + width * height) + 4_000_000 - 1) / 4_000_000);
}

/** Sizes the estimate tries when a request says `auto` (the model picks one of these). */
export const AUTO_SIZE_CANDIDATES = ['1024x1024', '1024x1536', '1536x1024'] as const;

/** "WxH" → dimensions; undefined for anything else (auto included). */
export function parseSize(size: string | undefined): { width: number; height: number } | undefined {
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(size?.trim() ?? '');
  if (!match) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/** Output tokens of one image; undefined when the accounting has no figure for the size. */
export function outputTokensPerImage(
  accounting: TokenAccounting,
  size: string,
  quality: TokenQuality,
): number | undefined {
  if (accounting === 'gpt-image-1') return GPT_IMAGE_1_OUTPUT_TOKENS[size]?.[quality];
  const dims = parseSize(size);
  return dims ? gptImage2OutputTokens(dims.width, dims.height, quality) : undefined;
}

/** Sizes an accounting prices, for messages. */
export function pricedSizesText(accounting: TokenAccounting): string {
  return accounting === 'gpt-image-1' ? Object.keys(GPT_IMAGE_1_OUTPUT_TOKENS).join(', ') : 'any WIDTHxHEIGHT';
}

/**
 * Each streamed partial image is billed as 100 extra image output tokens (OpenAI image generation guide,
 * "Streaming"; also https://community.openai.com/t/gpt-image-1-collected-pricing-information-and-why-responses-is-undocumented/1275254).
 */
export const PARTIAL_IMAGE_OUTPUT_TOKENS = 100;

/**
 * Text tokens of a prompt, without a tokenizer: about 4 characters a token for ASCII text (o200k), and a
 * token per character elsewhere (CJK and most non-Latin scripts take one or more). Errs high on accented
 * Latin text. The prompt is a small share of an image's cost either way.
 */
export function estimateTextTokens(prompt: string): number {
  let ascii = 0;
  let other = 0;
  for (const char of prompt) {
    if (char.charCodeAt(0) < 0x80) ascii++;
    else other++;
  }
  return Math.max(1, Math.ceil(ascii / 4) + other);
}

/**
 * Image input tokens of one edit input image (OpenAI vision guide, GPT Image 1: the image is fitted in
 * 2048x2048, scaled so its shortest side is 512 px, then 65 tokens plus 129 per 512-px tile; a 1024x1024
 * input bills 194, as https://community.openai.com/t/vision-pricing-calculator-inaccurate-resizing-rounding-vs-api-costs/1281361
 * observes). `inputFidelity: 'high'` adds the high-fidelity tokens of the image guide: 4160 for a square
 * image, 6240 otherwise. The same accounting is assumed for GPT image 2.
 */
export function inputImageTokens(width: number, height: number, inputFidelity?: 'high' | 'low'): number {
  let w = width;
  let h = height;
  const fit = Math.min(1, 2048 / Math.max(w, h));
  w *= fit;
  h *= fit;
  const scale = 512 / Math.min(w, h);
  w = Math.floor(w * scale);
  h = Math.floor(h * scale);
  const tiles = Math.ceil(w / 512) * Math.ceil(h / 512);
  const base = 65 + 129 * tiles;
  if (inputFidelity !== 'high') return base;
  return base + (width === height ? 4160 : 6240);
}

/** Assumed for an input image of unknown size: the widest image one edit takes (4 tiles, 1:4). */
export const UNKNOWN_INPUT_IMAGE_TOKENS = 65 + 129 * 4;
