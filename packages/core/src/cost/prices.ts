/**
 * What image models cost, as data. One row per model id (matched exactly, or as the id followed by a
 * snapshot date such as `gpt-image-2-2026-04-21`): GPT image models are priced per million tokens by
 * kind, DALL-E per image by quality and size. Every row says when it was checked and where. A model with
 * no row has no price: callers get `basis: 'unknown'`, never a guess. Pure data, no I/O.
 */
import * as z from 'zod';

/** How output tokens are predicted from size and quality (see tokens.ts). */
export const TOKEN_ACCOUNTINGS = ['gpt-image-1', 'gpt-image-2'] as const;
export type TokenAccounting = (typeof TOKEN_ACCOUNTINGS)[number];

const usdPerMillion = z.number().finite().nonnegative();
const usd = z.number().finite().nonnegative();

/** USD per million tokens, by kind. Cached rates apply to input tokens the API reports as cached. */
export const tokenRatesSchema = z.strictObject({
  textInput: usdPerMillion,
  cachedTextInput: usdPerMillion.optional(),
  imageInput: usdPerMillion,
  cachedImageInput: usdPerMillion.optional(),
  imageOutput: usdPerMillion,
});
export type TokenRates = z.infer<typeof tokenRatesSchema>;

/** USD per image: quality → size → price. */
export const perImagePricesSchema = z.record(z.string().min(1), z.record(z.string().min(1), usd));
export type PerImagePrices = z.infer<typeof perImagePricesSchema>;

const rowBase = {
  /** The model id this row prices (lower case). */
  model: z.string().min(1),
  /** ISO date (YYYY-MM-DD) the figures were last checked against the source. */
  checked: z.iso.date(),
  /** Where the figures come from. */
  source: z.string().min(1),
  /** Anything a reader of the row should know (unconfirmed figures, assumptions). */
  note: z.string().optional(),
};

export const priceRowSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...rowBase,
    kind: z.literal('tokens'),
    accounting: z.enum(TOKEN_ACCOUNTINGS),
    rates: tokenRatesSchema,
  }),
  z.strictObject({
    ...rowBase,
    kind: z.literal('per-image'),
    /** Quality assumed when the request names none. */
    defaultQuality: z.string().min(1),
    /** Size assumed when the request names none. */
    defaultSize: z.string().min(1),
    prices: perImagePricesSchema,
  }),
]);
export type PriceRow = z.infer<typeof priceRowSchema>;
export type TokenPriceRow = Extract<PriceRow, { kind: 'tokens' }>;
export type PerImagePriceRow = Extract<PriceRow, { kind: 'per-image' }>;

/** A price table: rows looked up by model id. Built by `priceTable` (built-in rows plus overrides). */
export interface PriceTable {
  readonly rows: readonly PriceRow[];
}

const CHECKED = '2026-11-29';
const MODEL_PAGE = 'https://developers.openai.com/api/docs/models/';

/** The built-in rows. Figures from OpenAI's model pages where they could be confirmed; see each `note`. */
const BUILTIN_ROWS: PriceRow[] = [
  {
    kind: 'tokens',
    model: 'gpt-image-2',
    accounting: 'gpt-image-2',
    rates: { textInput: 5, cachedTextInput: 1.25, imageInput: 8, cachedImageInput: 2, imageOutput: 30 },
    checked: CHECKED,
    source: 'https://developers.openai.com/api/docs/pricing#image-generation',
    note:
      'Text 5, image input 8, image output 30 USD per 1M tokens are the figures of issue 12; OpenAI’s own ' +
      'gpt-image-2 page could not be retrieved when checked. The same figures and the cached rates (1.25 / 2) ' +
      'were seen on https://xairouter.com/en/models/gpt-image-2/ (a reseller quoting OpenAI’s page), 2026-11-29.',
  },
  {
    kind: 'tokens',
    model: 'gpt-image-1.5',
    accounting: 'gpt-image-1',
    rates: { textInput: 5, cachedTextInput: 1.25, imageInput: 8, cachedImageInput: 2, imageOutput: 32 },
    checked: CHECKED,
    source: `${MODEL_PAGE}gpt-image-1.5`,
    note:
      'Image output 32 USD per 1M tokens reproduces the per-image prices of issue 12 (0.009 / 0.034 / 0.133 at ' +
      '1024x1024 = 272 / 1056 / 4160 tokens). OpenAI’s page could not be retrieved when checked; image input 8 / ' +
      'output 32 seen on https://www.llmreference.com/model/gpt-image-1.5/openai-api, text 5 on ' +
      'https://docs.apiyi.com/en/api-capabilities/gpt-image-1-5; cached rates (1.25 / 2) unconfirmed.',
  },
  {
    kind: 'tokens',
    model: 'gpt-image-1-mini',
    accounting: 'gpt-image-1',
    rates: { textInput: 2, cachedTextInput: 0.2, imageInput: 2.5, cachedImageInput: 0.25, imageOutput: 8 },
    checked: CHECKED,
    source: `${MODEL_PAGE}gpt-image-1-mini`,
    note:
      'Confirmed on OpenAI’s model page. That page also lists per-image prices of 0.005 / 0.011 / 0.036 at ' +
      '1024x1024 (the figures of issue 12); billing is by tokens, and 272 / 1056 / 4160 output tokens at 8 USD ' +
      'per 1M come to 0.0022 / 0.0084 / 0.0333.',
  },
  {
    kind: 'tokens',
    model: 'gpt-image-1',
    accounting: 'gpt-image-1',
    rates: { textInput: 5, cachedTextInput: 1.25, imageInput: 10, cachedImageInput: 2.5, imageOutput: 40 },
    checked: CHECKED,
    source: `${MODEL_PAGE}gpt-image-1`,
    note: 'Confirmed on OpenAI’s model page (the model was shut down on OpenAI in October 2026).',
  },
  {
    kind: 'per-image',
    model: 'dall-e-3',
    defaultQuality: 'standard',
    defaultSize: '1024x1024',
    prices: {
      standard: { '1024x1024': 0.04, '1792x1024': 0.08, '1024x1792': 0.08 },
      hd: { '1024x1024': 0.08, '1792x1024': 0.12, '1024x1792': 0.12 },
    },
    checked: CHECKED,
    source: 'https://openai.com/api/pricing/',
    note:
      'The figures of issue 12. OpenAI’s DALL-E 3 page no longer lists prices (shut down on OpenAI in May 2026); ' +
      'the same figures are in https://github.com/kevinhermawan/Canvas/blob/main/model-info.json (from ' +
      'openai.com/pricing). Hosts still serving DALL-E 3 may charge differently: override if so.',
  },
  {
    kind: 'per-image',
    model: 'dall-e-2',
    defaultQuality: 'standard',
    defaultSize: '1024x1024',
    prices: { standard: { '256x256': 0.016, '512x512': 0.018, '1024x1024': 0.02 } },
    checked: CHECKED,
    source: 'https://openai.com/api/pricing/',
    note:
      'The figures of issue 12, not confirmable on OpenAI’s pages any more (shut down on OpenAI in May 2026); ' +
      'the same figures are in https://github.com/kevinhermawan/Canvas/blob/main/model-info.json.',
  },
];

export const BUILTIN_PRICE_ROWS: readonly PriceRow[] = Object.freeze(BUILTIN_ROWS);

/** The built-in table. */
export const BUILTIN_PRICES: PriceTable = Object.freeze({ rows: BUILTIN_PRICE_ROWS });

/** Lower-cased, trimmed, without a host's "vendor/" namespace ("openai/gpt-image-2" → "gpt-image-2"). */
export function priceKey(model: string): string {
  const id = model.trim().toLowerCase();
  const slash = id.lastIndexOf('/');
  return slash >= 0 ? id.slice(slash + 1) : id;
}

const SNAPSHOT = /^-\d{4}-\d{2}-\d{2}$/;

/**
 * The row pricing a model id: the exact id, or the id of a row followed by a snapshot date. Nothing else:
 * `gpt-image-2.6-flare` follows GPT image 2's rules but is not priced like it until a row says so.
 */
export function findPriceRow(table: PriceTable, model: string | undefined): PriceRow | undefined {
  if (typeof model !== 'string') return undefined;
  const id = priceKey(model);
  if (!id) return undefined;
  return (
    table.rows.find((row) => row.model === id) ??
    table.rows.find((row) => id.startsWith(row.model) && SNAPSHOT.test(id.slice(row.model.length)))
  );
}
