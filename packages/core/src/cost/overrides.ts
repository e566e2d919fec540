/**
 * User prices on top of the built-in table, without a code change: the MCP server reads them from the
 * JSON file named by BRUSHWORK_PRICES, the n8n node from an option. Shape:
 *
 * {
 *   "models": {
 *     "gpt-image-2": { "tokens": { "imageOutput": 28 }, "checked": "2026-12-01", "source": "https://…" },
 *     "my-azure-deployment": { "like": "gpt-image-2" },
 *     "dall-e-3": { "perImage": { "standard": { "1024x1024": 0.05 } }, "checked": "2026-12-01" }
 *   }
 * }
 *
 * An entry for a built-in model changes only the figures it names; `like` copies a built-in row (an
 * Azure deployment name, a host's alias); a new model needs its full figures. Validated with zod, every
 * problem reported with its field path and the values allowed. Pure, no I/O.
 */
import * as z from 'zod';
import {
  BUILTIN_PRICE_ROWS,
  findPriceRow,
  type PriceRow,
  type PriceTable,
  priceKey,
  priceRowSchema,
  TOKEN_ACCOUNTINGS,
  tokenRatesSchema,
} from './prices.js';

const usd = z.number().finite().nonnegative();

const ENTRY_KEYS = [
  'like',
  'accounting',
  'tokens',
  'perImage',
  'defaultQuality',
  'defaultSize',
  'checked',
  'source',
  'note',
] as const;

export const priceOverrideEntrySchema = z.strictObject({
  /** Copy this built-in row's figures (then change what the entry names). */
  like: z.string().min(1).optional(),
  accounting: z.enum(TOKEN_ACCOUNTINGS).optional(),
  /** USD per million tokens, by kind; for a built-in model only the rates to change. */
  tokens: tokenRatesSchema.partial().optional(),
  /** USD per image: quality → size → price. */
  perImage: z.record(z.string().min(1), z.record(z.string().min(1), usd)).optional(),
  defaultQuality: z.string().min(1).optional(),
  defaultSize: z.string().min(1).optional(),
  checked: z.iso.date().optional(),
  source: z.string().min(1).optional(),
  note: z.string().optional(),
});

export const priceOverridesSchema = z.strictObject({
  models: z.record(z.string().min(1), priceOverrideEntrySchema),
});
export type PriceOverrides = z.infer<typeof priceOverridesSchema>;
export type PriceOverrideEntry = z.infer<typeof priceOverrideEntrySchema>;

export interface PriceConfigProblem {
  /** Path of the field, e.g. `models."gpt-image-2".tokens.imageOutput`. */
  field: string;
  message: string;
  allowed?: readonly string[];
}

/** Thrown for overrides that do not validate; `message` lists every problem. */
export class PriceConfigError extends Error {
  override readonly name = 'PriceConfigError';
  constructor(
    readonly label: string,
    readonly problems: readonly PriceConfigProblem[],
  ) {
    super(
      `${label}: ${problems.length === 1 ? 'one problem' : `${problems.length} problems`}: ${problems
        .map((p) => `${p.field}: ${p.message}${p.allowed ? ` (allowed: ${p.allowed.join(', ')})` : ''}`)
        .join('; ')}`,
    );
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((key, i) => {
      const text = String(key);
      if (i === 1 && path[0] === 'models') return JSON.stringify(text);
      return text;
    })
    .join('.');
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const FIELD_HINTS: Record<string, string> = {
  textInput: 'USD per million text input tokens',
  cachedTextInput: 'USD per million cached text input tokens',
  imageInput: 'USD per million image input tokens',
  cachedImageInput: 'USD per million cached image input tokens',
  imageOutput: 'USD per million image output tokens',
  checked: 'the date the prices were checked, YYYY-MM-DD',
};

function problemOf(issue: z.core.$ZodIssue): PriceConfigProblem {
  const field = fieldPath(issue.path);
  const last = String(issue.path[issue.path.length - 1] ?? '');
  const hint = FIELD_HINTS[last];
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = issue.path.length === 0 ? ['models'] : issue.path.length === 2 ? [...ENTRY_KEYS] : undefined;
      const tokenKeys = last === 'tokens' ? Object.keys(tokenRatesSchema.shape) : undefined;
      return {
        field,
        message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`,
        allowed: tokenKeys ?? allowed,
      };
    }
    case 'invalid_value':
      return {
        field,
        message: `got ${shown(input)}`,
        allowed: issue.values.map((v) => String(v)),
      };
    case 'invalid_format':
      return { field, message: `expected ${hint ?? issue.format}, got ${shown(input)}` };
    case 'invalid_type':
      return {
        field,
        message: `expected ${issue.expected === 'number' && hint ? `a number ≥ 0 (${hint})` : issue.expected}, got ${shown(input)}`,
      };
    case 'too_small':
      return {
        field,
        message: `expected ${hint ? `a number ≥ 0 (${hint})` : `at least ${issue.minimum}`}, got ${shown(input)}`,
      };
    default:
      return { field, message: issue.message };
  }
}

function entryRow(
  model: string,
  entry: PriceOverrideEntry,
  problems: PriceConfigProblem[],
  field: string,
): PriceRow | undefined {
  const builtins = { rows: BUILTIN_PRICE_ROWS };
  let base: PriceRow | undefined;
  if (entry.like !== undefined) {
    base = findPriceRow(builtins, entry.like);
    if (!base) {
      problems.push({
        field: `${field}.like`,
        message: `no built-in price for "${entry.like}"`,
        allowed: BUILTIN_PRICE_ROWS.map((r) => r.model),
      });
      return undefined;
    }
  } else {
    base = BUILTIN_PRICE_ROWS.find((row) => row.model === model);
  }
  if (entry.tokens && entry.perImage) {
    problems.push({ field, message: 'give either tokens (GPT image models) or perImage (DALL-E), not both' });
    return undefined;
  }
  const setsFigures = entry.tokens !== undefined || entry.perImage !== undefined;
  if (!base && !setsFigures) {
    problems.push({
      field,
      message: 'a model without a built-in price needs "like", "tokens" or "perImage"',
      allowed: BUILTIN_PRICE_ROWS.map((r) => r.model),
    });
    return undefined;
  }
  const checked = entry.checked ?? (setsFigures ? undefined : base?.checked);
  if (!checked) {
    problems.push({
      field: `${field}.checked`,
      message: `required when the entry sets prices (${FIELD_HINTS['checked']})`,
    });
    return undefined;
  }
  const source = entry.source ?? (entry.like ? `${base?.source} (as ${base?.model})` : 'price override');
  const meta = { model, checked, source, ...(entry.note !== undefined ? { note: entry.note } : {}) };

  const tokenBased = entry.tokens !== undefined || (entry.perImage === undefined && base?.kind === 'tokens');
  if (tokenBased) {
    if (base && base.kind !== 'tokens') {
      problems.push({ field: `${field}.tokens`, message: `${base.model} is priced per image: use perImage` });
      return undefined;
    }
    const rates = { ...(base?.kind === 'tokens' ? base.rates : {}), ...entry.tokens };
    const accounting = entry.accounting ?? (base?.kind === 'tokens' ? base.accounting : undefined);
    if (!accounting) {
      problems.push({
        field: `${field}.accounting`,
        message: 'required for a new token-priced model: how output tokens follow size and quality',
        allowed: [...TOKEN_ACCOUNTINGS],
      });
    }
    for (const key of ['textInput', 'imageInput', 'imageOutput'] as const) {
      if (rates[key] === undefined)
        problems.push({ field: `${field}.tokens.${key}`, message: `required (${FIELD_HINTS[key]})` });
    }
    const parsed = priceRowSchema.safeParse({ ...meta, kind: 'tokens', accounting, rates });
    return parsed.success ? parsed.data : undefined;
  }

  if (base && base.kind !== 'per-image') {
    problems.push({ field: `${field}.perImage`, message: `${base.model} is priced by tokens: use tokens` });
    return undefined;
  }
  const prices: Record<string, Record<string, number>> = {};
  for (const [quality, sizes] of Object.entries(base?.kind === 'per-image' ? base.prices : {}))
    prices[quality] = { ...sizes };
  for (const [quality, sizes] of Object.entries(entry.perImage ?? {}))
    prices[quality] = { ...prices[quality], ...sizes };
  const qualities = Object.keys(prices);
  if (qualities.length === 0) {
    problems.push({ field: `${field}.perImage`, message: 'needs at least one quality with one size' });
    return undefined;
  }
  const defaultQuality =
    entry.defaultQuality ?? (base?.kind === 'per-image' ? base.defaultQuality : undefined) ?? qualities[0]!;
  if (!prices[defaultQuality]) {
    problems.push({ field: `${field}.defaultQuality`, message: `got "${defaultQuality}"`, allowed: qualities });
    return undefined;
  }
  const defaultSize =
    entry.defaultSize ??
    (base?.kind === 'per-image' ? base.defaultSize : undefined) ??
    Object.keys(prices[defaultQuality]!)[0];
  if (!defaultSize) {
    problems.push({ field: `${field}.perImage`, message: `quality "${defaultQuality}" has no sizes` });
    return undefined;
  }
  return { ...meta, kind: 'per-image', defaultQuality, defaultSize, prices };
}

/** The built-in table with validated overrides applied. Throws PriceConfigError naming every problem. */
export function parsePriceOverrides(value: unknown, label = 'Price overrides'): PriceTable {
  const parsed = priceOverridesSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new PriceConfigError(label, parsed.error.issues.map(problemOf));
  const problems: PriceConfigProblem[] = [];
  const rows = new Map<string, PriceRow>(BUILTIN_PRICE_ROWS.map((row) => [row.model, row]));
  for (const [name, entry] of Object.entries(parsed.data.models)) {
    const model = priceKey(name);
    const row = entryRow(model, entry, problems, `models.${JSON.stringify(name)}`);
    if (row) rows.set(model, row);
  }
  if (problems.length > 0) throw new PriceConfigError(label, problems);
  return Object.freeze({ rows: Object.freeze([...rows.values()]) });
}

/** `parsePriceOverrides` of JSON text (a file's contents, an n8n option). */
export function parsePriceOverridesJson(text: string, label = 'Price overrides'): PriceTable {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PriceConfigError(label, [
      { field: '(top level)', message: `not valid JSON: ${(error as Error).message}` },
    ]);
  }
  return parsePriceOverrides(value, label);
}
