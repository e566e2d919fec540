/**
 * execute(): every input item runs as its own request, up to `concurrency` at once; retries (with
 * Retry-After) happen inside the core, sleeping with n8n-workflow's `sleep`. One output item per image,
 * paired to its input, in input order. With Continue On Fail a failing item yields an error item and the
 * others complete; without it the first failure stops the run (and cancels what is still in flight).
 */
import { DEFAULT_MAX_RETRIES, runBounded } from '@brushwork/core';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { clientFor, type ProviderChoice } from '../helpers/client';
import { errorItemJson, toNodeError } from '../helpers/errors';
import { createN8nSleep } from '../helpers/sleep';
import * as image from './image';
import type { Operation } from './image/fields';
import { readOptions } from './image/request';

export const DEFAULT_ITEM_CONCURRENCY = 10;
const MAX_ITEM_CONCURRENCY = 100;

function clamp(value: unknown, min: number, max: number, fallback: number): number {
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(number)));
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  const items = this.getInputData();
  const operation = this.getNodeParameter('operation', 0) as Operation;
  const provider = this.getNodeParameter('provider', 0) as ProviderChoice;
  const options = readOptions(this, 0);
  const concurrency = clamp(options.concurrency, 1, MAX_ITEM_CONCURRENCY, DEFAULT_ITEM_CONCURRENCY);
  const sleep = createN8nSleep();
  const continueOnFail = this.continueOnFail();
  const run = operation === 'edit' ? image.edit.execute : image.generate.execute;

  // Aborted when n8n cancels the execution, or (without Continue On Fail) when an item fails.
  const stop = new AbortController();
  const cancelSignal = this.getExecutionCancelSignal?.();
  const onCancel = () => stop.abort(cancelSignal?.reason);
  if (cancelSignal?.aborted) onCancel();
  else cancelSignal?.addEventListener('abort', onCancel, { once: true });

  const outputs: INodeExecutionData[][] = items.map(() => []);
  let fatal: { itemIndex: number; error: unknown; maxRetries: number } | undefined;

  try {
    await runBounded(items.length, concurrency, async (itemIndex) => {
      if (fatal || stop.signal.aborted) return;
      const itemOptions = itemIndex === 0 ? options : readOptions(this, itemIndex);
      const maxRetries = clamp(itemOptions.maxRetries, 0, 10, DEFAULT_MAX_RETRIES);
      try {
        const settings = {
          maxRetries,
          sleep,
          ...(itemOptions.timeout !== undefined ? { timeoutMs: clamp(itemOptions.timeout, 1, 3600, 600) * 1000 } : {}),
        };
        const client = await clientFor(this, provider, settings, itemIndex);
        outputs[itemIndex] = await run.call(this, itemIndex, client, stop.signal);
      } catch (error) {
        if (continueOnFail) {
          outputs[itemIndex] = [{ json: errorItemJson(error, { maxRetries }), pairedItem: { item: itemIndex } }];
        } else if (!fatal) {
          fatal = { itemIndex, error, maxRetries };
          stop.abort();
        }
      }
    });
  } finally {
    cancelSignal?.removeEventListener('abort', onCancel);
  }

  if (fatal) throw toNodeError(this.getNode(), fatal.error, fatal.itemIndex, { maxRetries: fatal.maxRetries });
  return [outputs.flat()];
}
