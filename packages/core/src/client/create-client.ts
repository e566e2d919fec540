/**
 * The image client: validate → plan calls (fan-out) → run each call (send with retries, parse,
 * download) → merge into one ImageResult. I/O (transport, sleep, clock, randomness) is injected; the
 * wire knowledge lives in providers/, the rules in models/ and request/, the error and retry decisions
 * in errors/.
 */
import { cancelledError } from '../errors/image-error.js';
import { readRequestId } from '../errors/http-headers.js';
import { DEFAULT_MODEL } from '../models/index.js';
import { type Provider, providerFor } from '../providers/index.js';
import { planCalls, type PlannedCall, runBounded } from '../request/fanout.js';
import { invalidRequestError, type ValidationOutcome, validateEdit, validateGenerate } from '../request/validate.js';
import { readWholeBody } from '../receive/body.js';
import { abortSunk } from '../receive/image-sink.js';
import { parseJsonBody } from '../receive/parse-images.js';
import type {
  CallOptions,
  ClientOptions,
  EditRequest,
  ImageClient,
  ImageRequest,
  ImageResult,
  ModelFamily,
  Problem,
} from '../types.js';
import { createAttempts, emitter } from './attempts.js';
import { mergeOutcomes } from './merge-outcomes.js';
import { readModelList } from './model-list.js';
import { type CallContext, runCall } from './run-call.js';
import { clientSettings } from './settings.js';
import { isRecord } from '../util/values.js';

type BuildCall<T extends ImageRequest> = (
  provider: Provider,
  request: T,
  family: ModelFamily | undefined,
) => () => ReturnType<Provider['buildGenerate']>;

const buildGenerate: BuildCall<ImageRequest> = (provider, request, family) => () =>
  provider.buildGenerate(request, { family });
const buildEdit: BuildCall<EditRequest> = (provider, request, family) => () => provider.buildEdit(request, { family });

export function createImageClient(options: ClientOptions): ImageClient {
  const provider = providerFor(options.provider);
  const settings = clientSettings(options, provider);
  const attempts = createAttempts(settings);

  /** Anything but a plain object is refused as such (validation says so), before the default model is filled in. */
  function refuseNonObject(input: unknown, validate: (input: unknown) => ValidationOutcome<unknown>): void {
    if (isRecord(input)) return;
    const outcome = validate(input);
    throw invalidRequestError(outcome.ok ? [] : outcome.problems);
  }

  /** The one place a request without a model gets DEFAULT_MODEL (never for an Azure deployment). */
  function withDefaultModel<T extends ImageRequest>(request: T): T {
    return request.model === undefined && provider.fillsDefaultModel ? { ...request, model: DEFAULT_MODEL } : request;
  }

  function checkProblems(request: ImageRequest): void {
    const problems: Problem[] = [...provider.configProblems(), ...(provider.requestProblems?.(request) ?? [])];
    if (problems.length > 0) throw invalidRequestError(problems);
  }

  /** Validated request → planned calls, run under the concurrency bound → one result. */
  async function execute<T extends ImageRequest>(
    input: T,
    validate: (input: unknown, family?: ModelFamily) => ValidationOutcome<T>,
    build: BuildCall<T>,
    callOptions: CallOptions | undefined,
  ): Promise<ImageResult> {
    refuseNonObject(input, validate);
    const withModel = withDefaultModel(input);
    checkProblems(withModel);
    const family = provider.familyFor(withModel);
    const outcome = validate(withModel, family);
    if (!outcome.ok) throw invalidRequestError(outcome.problems);
    const request = outcome.request;
    const signal = callOptions?.signal;
    if (signal?.aborted) throw cancelledError(signal.reason);
    const sink = callOptions?.imageSink;
    const ctx: CallContext = {
      settings,
      attempts,
      signal,
      emit: emitter(callOptions?.onProgress),
      ...(sink ? { sink } : {}),
    };
    const calls = planCalls(request.n, family?.maxImagesPerCall);
    const settled = await runBounded(calls.length, settings.concurrency, (i) => {
      const call = calls[i] as PlannedCall;
      const callRequest: T = calls.length === 1 ? request : { ...request, n: call.n };
      return runCall(call, callRequest, build(provider, callRequest, family), ctx);
    });
    if (signal?.aborted) {
      // Images already written to the sink will not be delivered.
      for (const outcome of settled) if (outcome.status === 'fulfilled') await abortSunk(outcome.value.images);
      throw cancelledError(signal.reason);
    }
    const result: ImageResult = {
      created: 0,
      model: provider.resultModel(request),
      provider: provider.kind,
      requestIds: [],
      images: [],
      errors: [],
      warnings: [...outcome.warnings],
      sandbox: provider.kind === 'sandbox',
    };
    const { created } = mergeOutcomes(result, calls, settled, attempts.classify);
    result.created = created ?? Math.floor(settings.now() / 1000);
    return result;
  }

  return {
    provider: provider.kind,

    generate: (input, callOptions) => execute(input, validateGenerate, buildGenerate, callOptions),

    edit: (input, callOptions) => execute(input, validateEdit, buildEdit, callOptions),

    async listModels(callOptions) {
      const problems = provider.configProblems();
      if (problems.length > 0) throw invalidRequestError(problems);
      const buildList = provider.buildListModels;
      if (!buildList) return provider.configuredModels?.() ?? [];
      const signal = callOptions?.signal;
      const json = await attempts.withRetries(0, signal, emitter(callOptions?.onProgress), async () => {
        const response = await attempts.send(buildList(), signal, undefined);
        const body = await readWholeBody(response);
        return parseJsonBody(body, { status: response.status, requestId: readRequestId(response.headers) });
      });
      return readModelList(json);
    },
  };
}
