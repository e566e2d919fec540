/** What every tool gets from the server: the config, the core client, and the edges. */
import type { ImageClient } from '@brushwork/core';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { ServerConfig } from '../config.js';
import type { ModelContext } from '../describe.js';
import type { ModelListCache } from '../model-cache.js';
import type { SpendGuard } from '../spend/index.js';
import type { ImageTaskStore } from '../task-store.js';

export interface ToolContext {
  config: ServerConfig;
  client: ImageClient;
  model: ModelContext;
  /** The provider's model list, kept briefly (shared by every session of the process). */
  modelList: ModelListCache;
  now: () => Date;
  /** Called after files were saved (the resource list changed). */
  onSaved: () => void;
  /** One line to stderr. */
  log: (line: string) => void;
  /** Estimates, caps and the ledger: every image call goes through it (one per server). */
  spend: SpendGuard;
  /** Task-augmented calls of the image tools. */
  /** Absent when the server offers no tasks (--stateless). */
  tasks?: ImageTaskStore;
}

/** Image tools spend money at an outside service and create new files; they never overwrite. */
export const IMAGE_TOOL_ANNOTATIONS: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
};

/** Drops undefined values (the core treats absent and undefined alike, but requests stay tidy). */
export function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
