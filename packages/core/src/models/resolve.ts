/** From a free-form model id to the family row whose rules apply. */
import type { FamilyId, ModelFamily } from '../types.js';
import { FAMILIES, FAMILY_VARIANTS } from './families.js';

const BY_ID = new Map<FamilyId, ModelFamily>(FAMILIES.map((family) => [family.id, family]));

/** The family row for an id. Throws on an id that is not a FamilyId (a programming error). */
export function familyById(id: FamilyId): ModelFamily {
  const family = BY_ID.get(id);
  if (!family) throw new Error(`Unknown model family ${String(id)}`);
  return family;
}

interface PrefixEntry {
  prefix: string;
  family: ModelFamily;
}

const PREFIXES: readonly PrefixEntry[] = [
  ...FAMILIES.flatMap((family) => family.prefixes.map((prefix) => ({ prefix: prefix.toLowerCase(), family }))),
  ...FAMILY_VARIANTS.map((variant) => ({
    prefix: variant.prefix.toLowerCase(),
    family: Object.freeze({ ...familyById(variant.family), ...variant.changes }) as ModelFamily,
  })),
].sort((a, b) => b.prefix.length - a.prefix.length);

function matchesPrefix(id: string, prefix: string): boolean {
  if (!id.startsWith(prefix)) return false;
  const next = id.charAt(prefix.length);
  // 'gpt-image-1' must not claim 'gpt-image-10'.
  return !(/\d$/.test(prefix) && /\d/.test(next));
}

/** Lower-cased, trimmed, without a host's "vendor/" namespace ("openai/gpt-image-2" → "gpt-image-2"). */
export function normalizeModelId(model: string): string {
  const id = model.trim().toLowerCase();
  const slash = id.lastIndexOf('/');
  return slash >= 0 ? id.slice(slash + 1) : id;
}

/**
 * The family whose rules apply to a model id: prefix match, longest wins, case-insensitive. Unknown ids
 * (and Azure deployment names) give undefined: the request then gets only shape checks and the server judges.
 */
export function resolveFamily(model?: string): ModelFamily | undefined {
  if (typeof model !== 'string') return undefined;
  const id = normalizeModelId(model);
  if (!id) return undefined;
  return PREFIXES.find((entry) => matchesPrefix(id, entry.prefix))?.family;
}

/** GPT image models (every family but DALL-E): they always answer base64 and never take `response_format`. */
export function isGptImageFamily(family: ModelFamily | undefined): boolean {
  return family !== undefined && family.responseFormats.length === 0;
}

/** Ids that name an image model even when no family row claims them (`dall-e-4`): listed by `listModels`. */
const IMAGE_MODEL_STEMS = /^(dall-e-|gpt-image-|chatgpt-image)/i;

/** True when a model list entry is an image model: a family claims it, or it has an image model's stem. */
export function isImageModelId(model: string): boolean {
  return resolveFamily(model) !== undefined || IMAGE_MODEL_STEMS.test(model);
}
