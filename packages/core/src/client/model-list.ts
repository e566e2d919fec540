/** GET /models answers → the image models, sorted by id. */
import { isImageModelId, resolveFamily } from '../models/index.js';
import { badResponse } from '../receive/parse-images.js';
import type { ModelInfo } from '../types.js';

/** `{ data: [{ id, owned_by, created }] }` → image models only, sorted by id. */
export function readModelList(json: unknown): ModelInfo[] {
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw badResponse('The model list answer has no "data" array.');
  const models: ModelInfo[] = [];
  for (const item of data) {
    if (typeof item !== 'object' || item === null) continue;
    const { id, owned_by: ownedBy, created } = item as Record<string, unknown>;
    if (typeof id !== 'string' || !isImageModelId(id)) continue;
    const info: ModelInfo = { id };
    if (typeof ownedBy === 'string') info.ownedBy = ownedBy;
    if (typeof created === 'number') info.created = created;
    const family = resolveFamily(id);
    if (family) info.family = family.id;
    models.push(info);
  }
  return models.sort((a, b) => a.id.localeCompare(b.id));
}
