/**
 * The calls of one request, settled, into one ImageResult: images in index order of arrival, usage
 * added up, the earliest `created`; failed calls become `errors` tagged with the call and the image
 * indexes they cost. When no call produced an image, the error to throw.
 */
import { ImageError } from '../errors/image-error.js';
import { retryReason } from '../errors/retry.js';
import type { PlannedCall } from '../request/fanout.js';
import { addUsage } from '../receive/parse-images.js';
import type { ImageResult } from '../types.js';
import type { CallOutcome } from './run-call.js';

/**
 * Every fan-out call failed: the first call's error (its kind, status and advice stand for the request),
 * saying how all of them ended, and costing every image index. Nothing of the others is lost.
 */
function allCallsFailed(first: ImageError, errors: readonly ImageError[]): ImageError {
  const counts = new Map<string, number>();
  for (const error of errors) counts.set(retryReason(error), (counts.get(retryReason(error)) ?? 0) + 1);
  const how = [...counts].map(([reason, count]) => `${count} ${reason}`).join(', ');
  const sentence = first.message.replace(/[.\s]*$/, '');
  return first.with({
    message: `${sentence}. All ${errors.length} calls of this request failed: ${how}.`,
    call: undefined,
    indexes: errors.flatMap((error) => error.indexes ?? []).sort((a, b) => a - b),
    cause: first,
  });
}

/**
 * Fills `result` from the settled calls. Throws when no image arrived: the one call's error, or (fan-out)
 * one error that says how every call ended.
 */
export function mergeOutcomes(
  result: ImageResult,
  calls: readonly PlannedCall[],
  settled: readonly PromiseSettledResult<CallOutcome>[],
  classify: (caught: unknown) => ImageError,
): { created?: number } {
  let created: number | undefined;
  settled.forEach((outcome, i) => {
    const call = calls[i] as PlannedCall;
    if (outcome.status === 'rejected') {
      const error = outcome.reason instanceof ImageError ? outcome.reason : classify(outcome.reason);
      result.errors.push(calls.length > 1 ? error.with({ call: call.call, indexes: call.indexes }) : error);
      return;
    }
    const value = outcome.value;
    if (value.created !== undefined && (created === undefined || value.created < created)) created = value.created;
    result.images.push(...value.images);
    result.requestIds.push(...value.requestIds);
    result.warnings.push(...value.warnings);
    const usage = addUsage(result.usage, value.usage);
    if (usage) result.usage = usage;
    if (value.promptFilterResults !== undefined && result.promptFilterResults === undefined) {
      result.promptFilterResults = value.promptFilterResults;
    }
  });
  const first = result.errors[0];
  if (result.images.length === 0 && first) {
    throw result.errors.length > 1 ? allCallsFailed(first, result.errors) : first;
  }
  return { created };
}
