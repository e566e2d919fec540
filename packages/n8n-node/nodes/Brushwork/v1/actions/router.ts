/**
 * execute(): every input item runs as its own request, up to `concurrency` at once; retries (with
 * Retry-After) happen inside the core, sleeping with n8n-workflow's `sleep`. One output item per image,
 * paired to its input, in input order. With Continue On Fail a failing item yields an error item and the
 * others complete; without it the first failure stops the run (and cancels what is still in flight).
 */
import { DEFAULT_MAX_RETRIES, type ImageClient, type ImageRequest, runBounded } from '@brushwork/core';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { clientFor, type ProviderChoice } from '../helpers/client';
import { CostGate, type CostSettings, estimateOf, readCostSettings } from '../helpers/cost';
import { errorItemJson, toNodeError } from '../helpers/errors';
import { createN8nSleep } from '../helpers/sleep';
import * as image from './image';
import type { Operation } from './image/fields';
import { readOptions } from './image/request';

export const DEFAULT_ITEM_CONCURRENCY = 10;

/** Generate Image and Edit Image: read an item's request, then send it (edits read their binaries first). */
interface ImageCall {
  readRequest(this: IExecuteFunctions, itemIndex: number): Promise<ImageRequest>;
  execute(
    this: IExecuteFunctions,
    itemIndex: number,
    client: ImageClient,
    signal: AbortSignal,
    request: ImageRequest,
    costs: CostSettings,
  ): Promise<INodeExecutionData[]>;
}
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
  const call: ImageCall = operation === 'edit' ? image.edit : image.generate;
  const costs = readCostSettings(this, options);
  const gate = new CostGate(this, costs, items.length);

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
      if (fatal || stop.signal.aborted) return gate.pass(itemIndex);
      const itemOptions = itemIndex === 0 ? options : readOptions(this, itemIndex);
      const maxRetries = clamp(itemOptions.maxRetries, 0, 10, DEFAULT_MAX_RETRIES);
      try {
        if (operation === 'estimate') {
          outputs[itemIndex] = await image.estimate.execute.call(this, itemIndex, costs);
          return;
        }
        const request = await call.readRequest.call(this, itemIndex);
        // Caps: checked in input order, before any request is sent for the item.
        if (gate.active) await gate.admit(itemIndex, request, estimateOf(request, costs));
        const settings = {
          maxRetries,
          sleep,
          ...(itemOptions.timeout !== undefined ? { timeoutMs: clamp(itemOptions.timeout, 1, 3600, 600) * 1000 } : {}),
        };
        const client = await clientFor(this, provider, settings, itemIndex);
        outputs[itemIndex] = await call.execute.call(this, itemIndex, client, stop.signal, request, costs);
      } catch (error) {
        if (continueOnFail) {
          outputs[itemIndex] = [{ json: errorItemJson(error, { maxRetries }), pairedItem: { item: itemIndex } }];
        } else if (!fatal) {
          fatal = { itemIndex, error, maxRetries };
          stop.abort();
        }
      } finally {
        gate.pass(itemIndex);
      }
    });
  } finally {
    cancelSignal?.removeEventListener('abort', onCancel);
  }

  if (fatal) throw toNodeError(this.getNode(), fatal.error, fatal.itemIndex, { maxRetries: fatal.maxRetries });
  return [outputs.flat()];
}
