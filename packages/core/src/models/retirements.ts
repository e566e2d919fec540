/** Retired and deprecated model ids, and the replacement to name in messages. */
import type { ModelRetirement } from '../types.js';
import { DEFAULT_MODEL } from './families.js';
import { normalizeModelId } from './resolve.js';

export interface RetirementInfo extends ModelRetirement {
  /** 'retired': calls fail now. 'deprecated': still served until `shutdownDate`. */
  status: 'retired' | 'deprecated';
  /** ISO date of the announced shutdown, for deprecated models. */
  shutdownDate?: string;
}

export const RETIREMENTS: readonly RetirementInfo[] = Object.freeze([
  { model: 'dall-e-2', status: 'retired', retiredOn: 'OpenAI (May 2026)', replacement: DEFAULT_MODEL },
  {
    model: 'dall-e-3',
    status: 'retired',
    retiredOn: 'OpenAI (May 2026) and Azure OpenAI (February 2026)',
    replacement: DEFAULT_MODEL,
  },
  { model: 'gpt-image-1', status: 'retired', retiredOn: 'OpenAI (October 2026)', replacement: DEFAULT_MODEL },
  ...['gpt-image-1-mini', 'gpt-image-1.5', 'chatgpt-image-latest'].map(
    (model): RetirementInfo => ({
      model,
      status: 'deprecated',
      retiredOn: 'OpenAI (shutdown 2026-12-01)',
      shutdownDate: '2026-12-01',
      replacement: DEFAULT_MODEL,
    }),
  ),
] satisfies RetirementInfo[]);

/**
 * The retirement (or announced shutdown) of a model id: exact match, or the id followed by a snapshot date
 * (`dall-e-3-2023-11-06`). `gpt-image-1` does not cover `gpt-image-1.5` or `gpt-image-1-mini`.
 */
export function retirementOf(model: string): RetirementInfo | undefined {
  if (typeof model !== 'string') return undefined;
  const id = normalizeModelId(model);
  return RETIREMENTS.find(
    (entry) =>
      id === entry.model || (id.startsWith(entry.model) && /^-\d{4}-\d{2}-\d{2}$/.test(id.slice(entry.model.length))),
  );
}
