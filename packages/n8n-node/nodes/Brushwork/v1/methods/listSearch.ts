import { DEFAULT_MODEL, resolveFamily } from '@brushwork/core';
import {
  type ILoadOptionsFunctions,
  type INodeListSearchItems,
  type INodeListSearchResult,
  NodeOperationError,
} from 'n8n-workflow';
import { clientFor, type ProviderChoice } from '../helpers/client';
import { errorItemJson } from '../helpers/errors';
import { createN8nSleep } from '../helpers/sleep';

/** The image models the provider offers this credential, newest first, the default model on top. */
export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
  const provider = (this.getNodeParameter('provider', 'openai') as ProviderChoice) || 'openai';
  let models: Awaited<ReturnType<Awaited<ReturnType<typeof clientFor>>['listModels']>>;
  try {
    const client = await clientFor(this, provider, { maxRetries: 1, timeoutMs: 30_000, sleep: createN8nSleep() });
    models = await client.listModels();
  } catch (error) {
    const { error: message, description } = errorItemJson(error, { maxRetries: 1 });
    throw new NodeOperationError(this.getNode(), String(message), {
      description: typeof description === 'string' ? description : undefined,
    });
  }
  const needle = (filter ?? '').trim().toLowerCase();
  const results: INodeListSearchItems[] = models
    .filter((model) => !needle || model.id.toLowerCase().includes(needle))
    .sort((a, b) => {
      if (a.id === DEFAULT_MODEL) return -1;
      if (b.id === DEFAULT_MODEL) return 1;
      return (b.created ?? 0) - (a.created ?? 0) || a.id.localeCompare(b.id);
    })
    .map((model) => {
      const family = resolveFamily(model.id);
      return {
        name: family ? `${model.id} (${family.label})` : model.id,
        value: model.id,
      };
    });
  return { results };
}
