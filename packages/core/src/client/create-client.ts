/**
 * The image client: validate → plan calls (fan-out) → send each call through the injected transport
 * with retries → parse → download URL results. I/O (transport, sleep, clock, randomness) is injected;
 * the wire knowledge lives in providers/, the rules in models.ts / validate.ts, the error and retry
 * decisions in classify.ts / retry.ts.
 */
import { readWholeBody, releaseBytes } from '../receive/body.js';
import { classifyFailure, classifyResponse, parseRetryAfter, readRequestId, redactSecrets } from '../errors/classify.js';
import { downloadImage } from '../receive/download.js';
import { ImageError } from '../errors/image-error.js';
import { type PlannedCall, planCalls, runBounded } from '../request/fanout.js';
import { resolveFamily } from '../models/families.js';
import {
  addUsage,
  badResponse,
  decodeImageData,
  parseImagesBodyDecoded,
  parseJsonBody,
  type RawImage,
  readImagesJson,
  toGeneratedImage,
} from '../receive/parse-images.js';
import { readOperation } from '../providers/azure-legacy.js';
import { type Provider, providerFor } from '../providers/index.js';
import type { BuildContext, WireRequest } from '../providers/encode.js';
import { DEFAULT_MAX_RETRIES, decideRetry, retryReason } from '../errors/retry.js';
import { sandboxTransport } from '../sandbox/index.js';
import { timerSleep } from '../transport/sleep.js';
import { readImageStream } from '../receive/stream-images.js';
import { createFetchTransport } from '../transport/fetch.js';
import type {
  CallOptions,
  ClientOptions,
  EditRequest,
  GeneratedImage,
  HttpResponse,
  ImageClient,
  ImageRequest,
  ImageResult,
  ModelFamily,
  ModelInfo,
  ProgressEvent,
  Problem,
  Transport,
  Usage,
} from '../types.js';
import { invalidRequestError, validateEdit, validateGenerate } from '../request/validate.js';

export const DEFAULT_TIMEOUT_MS = 600_000;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** Poll interval for asynchronous operations when the server sends no retry-after. */
export const DEFAULT_POLL_INTERVAL_MS = 1_000;

/** What one call produced before images are decoded or downloaded. */
interface CallAnswer {
  created?: number;
  images: RawImage[];
  usage?: Usage;
  promptFilterResults?: unknown;
  requestIds: string[];
  size?: string;
}

interface CallOutcome {
  created?: number;
  images: GeneratedImage[];
  usage?: Usage;
  promptFilterResults?: unknown;
  requestIds: string[];
  warnings: string[];
}

function cancelledError(cause?: unknown): ImageError {
  return new ImageError({ kind: 'cancelled', message: 'The request was cancelled.', retryable: false, cause });
}

/** A copy of an error tagged with the fan-out call and the image indexes it cost. */
function tagError(error: ImageError, call: PlannedCall): ImageError {
  return new ImageError({
    kind: error.kind,
    message: error.message,
    status: error.status,
    code: error.code,
    param: error.param,
    type: error.type,
    requestId: error.requestId,
    retryable: error.retryable,
    retryAfterMs: error.retryAfterMs,
    problems: error.problems,
    contentFilter: error.contentFilter,
    call: call.call,
    indexes: call.indexes,
    cause: error.cause ?? error,
  });
}

/**
 * Every fan-out call failed: the first call's error (its kind, status and advice stand for the request),
 * saying how all of them ended, and costing every image index. Nothing of the others is lost.
 */
function allCallsFailed(first: ImageError, errors: readonly ImageError[]): ImageError {
  const counts = new Map<string, number>();
  for (const error of errors) counts.set(retryReason(error), (counts.get(retryReason(error)) ?? 0) + 1);
  const how = [...counts].map(([reason, count]) => `${count} ${reason}`).join(', ');
  const sentence = first.message.replace(/[.\s]*$/, '');
  return new ImageError({
    kind: first.kind,
    message: `${sentence}. All ${errors.length} calls of this request failed: ${how}.`,
    status: first.status,
    code: first.code,
    param: first.param,
    type: first.type,
    requestId: first.requestId,
    retryable: first.retryable,
    retryAfterMs: first.retryAfterMs,
    problems: first.problems,
    contentFilter: first.contentFilter,
    indexes: errors.flatMap((error) => error.indexes ?? []).sort((a, b) => a - b),
    cause: first,
  });
}

function isEventStream(response: HttpResponse): boolean {
  return (response.headers['content-type'] ?? '').toLowerCase().includes('text/event-stream');
}

function defaultTransport(): Transport | undefined {
  return typeof globalThis.fetch === 'function' ? createFetchTransport() : undefined;
}

const IMAGE_MODEL = /^(dall-e-|gpt-image-|chatgpt-image)/i;

export function createImageClient(options: ClientOptions): ImageClient {
  const provider: Provider = providerFor(options.provider);
  const isSandbox = options.provider.kind === 'sandbox';
  // The sandbox always answers in-process, whatever transport was passed: zero network.
  const transport: Transport | undefined = isSandbox ? sandboxTransport : (options.transport ?? defaultTransport());
  const sleep = options.sleep ?? timerSleep;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const maxDownloadBytes = options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  /** Credentials to blank out of any text taken from a response or failure. */
  const secrets: string[] = [];
  const configuredKey = (options.provider as { apiKey?: unknown }).apiKey;
  if (typeof configuredKey === 'string' && configuredKey !== '') secrets.push(configuredKey);
  const classify = (caught: unknown) => classifyFailure(caught, secrets);

  function requireTransport(): Transport {
    if (!transport) {
      throw invalidRequestError([
        {
          field: 'transport',
          message: 'No transport: pass one (e.g. createGotTransport()), this runtime has no fetch.',
        },
      ]);
    }
    return transport;
  }

  function emitter(callOptions: CallOptions | undefined): (event: ProgressEvent) => void {
    const onProgress = callOptions?.onProgress;
    if (!onProgress) return () => {};
    return (event) => {
      try {
        onProgress(event);
      } catch {
        // A failing progress listener must not break the request.
      }
    };
  }

  /**
   * Runs `attemptFn` with retries: classify the failure, ask decideRetry, sleep (abortable), again.
   * Cancellation (the signal) wins over everything and is never retried.
   */
  async function withRetries<T>(
    call: number,
    signal: AbortSignal | undefined,
    emit: (event: ProgressEvent) => void,
    attemptFn: (attempt: number) => Promise<T>,
    announce = true,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw cancelledError(signal.reason);
      if (announce) emit({ type: 'request', call, attempt });
      let error: ImageError;
      try {
        return await attemptFn(attempt);
      } catch (caught) {
        if (signal?.aborted) throw cancelledError(caught);
        error = caught instanceof ImageError ? caught : classify(caught);
      }
      if (error.kind === 'cancelled') throw error;
      const decision = decideRetry(error, attempt - 1, maxRetries, random);
      if (!decision.retry) throw error;
      emit({ type: 'retry', call, attempt: attempt + 1, delayMs: decision.delayMs, reason: error.message });
      try {
        await sleep(decision.delayMs, signal);
      } catch (caught) {
        throw cancelledError(caught);
      }
    }
  }

  /** Sends one wire request; non-2xx statuses become classified ImageErrors. */
  async function send(
    build: (ctx: BuildContext) => WireRequest,
    ctx: BuildContext,
    signal: AbortSignal | undefined,
    model: string | undefined,
  ): Promise<HttpResponse> {
    const send = requireTransport();
    const attemptCtx: BuildContext = { ...ctx };
    if (provider.token) {
      try {
        attemptCtx.token = await provider.token(signal);
        if (attemptCtx.token && !secrets.includes(attemptCtx.token)) secrets.push(attemptCtx.token);
      } catch (cause) {
        if (signal?.aborted) throw cancelledError(cause);
        const detail = cause instanceof Error && cause.message ? `: ${redactSecrets(cause.message, secrets)}` : '';
        throw new ImageError({
          kind: 'authentication',
          message: `Getting an Entra ID token failed${detail}. Check the credential that getToken uses.`,
          retryable: false,
          cause,
        });
      }
    }
    const wire = build(attemptCtx);
    const response = await send({ ...wire, timeoutMs, signal, maxResponseBytes });
    if (response.status >= 200 && response.status < 300) return response;
    const body = await readWholeBody(response);
    const classified = classifyResponse({
      status: response.status,
      headers: response.headers,
      body,
      model,
      provider: provider.kind,
      now,
      secrets,
    });
    throw classified;
  }

  /** Reads a successful images answer: JSON, or SSE when streaming. */
  async function readAnswer(
    response: HttpResponse,
    call: PlannedCall,
    emit: (event: ProgressEvent) => void,
  ): Promise<CallAnswer> {
    const requestId = readRequestId(response.headers);
    const requestIds = requestId ? [requestId] : [];
    if (isEventStream(response)) {
      const streamed = await readImageStream(response, {
        requestId,
        onPartial: (imageOffset, partialIndex, bytes) =>
          emit({ type: 'partial_image', call: call.call, index: call.firstIndex + imageOffset, partialIndex, bytes }),
      });
      return { ...streamed, requestIds };
    }
    const body = await readWholeBody(response);
    const parsed = parseImagesBodyDecoded(body, { status: response.status, requestId });
    // The images were decoded into arrays of their own: free the (larger) body now instead of leaving
    // several MB per call to the garbage collector's timing. Only a body our own transport allocated.
    releaseBytes(body);
    return {
      created: parsed.created,
      images: parsed.data,
      usage: parsed.usage,
      promptFilterResults: parsed.promptFilterResults,
      requestIds,
      size: parsed.size,
    };
  }

  /** Asynchronous providers: poll the operation until it finishes, bounded by maxPollMs. */
  async function pollOperation(
    submitted: HttpResponse,
    call: PlannedCall,
    ctx: BuildContext,
    signal: AbortSignal | undefined,
    emit: (event: ProgressEvent) => void,
  ): Promise<CallAnswer> {
    const operation = provider.operation;
    const submitId = readRequestId(submitted.headers);
    if (!operation) throw badResponse('This provider does not poll.');
    const location = submitted.headers['operation-location'];
    if (submitted.status !== 202 || !location) {
      // Some hosts answer synchronously; read it as an ordinary images answer.
      return readAnswer(submitted, call, emit);
    }
    if (!operation.isTrustedUrl(location)) {
      throw badResponse(
        'The Azure image operation pointed to a URL outside the configured endpoint; it was not polled.',
        { requestId: submitId },
      );
    }
    const deadline = now() + operation.maxPollMs;
    let lastHeaders = submitted.headers;
    let status = 'notRunning';
    for (;;) {
      const delayMs = parseRetryAfter(lastHeaders, now) ?? DEFAULT_POLL_INTERVAL_MS;
      if (now() + delayMs > deadline) {
        throw new ImageError({
          kind: 'timeout',
          message: `The Azure image operation was still ${status} after ${Math.round(operation.maxPollMs / 1000)} s (maxPollMs); try again later.`,
          requestId: submitId,
          retryable: false,
        });
      }
      emit({ type: 'poll', call: call.call, status, delayMs });
      try {
        await sleep(delayMs, signal);
      } catch (caught) {
        throw cancelledError(caught);
      }
      const polled = await withRetries(
        call.call,
        signal,
        emit,
        async () => {
          const response = await send((c) => operation.buildPoll(location, c), ctx, signal, undefined);
          const body = await readWholeBody(response);
          return { response, body };
        },
        false,
      );
      lastHeaders = polled.response.headers;
      const requestId = readRequestId(polled.response.headers) ?? submitId;
      const state = readOperation(parseJsonBody(polled.body, { status: polled.response.status, requestId }), requestId);
      if (state.status === 'succeeded') {
        const parsed = readImagesJson(state.result, { requestId });
        return {
          created: parsed.created,
          images: parsed.data,
          usage: parsed.usage,
          promptFilterResults: parsed.promptFilterResults,
          requestIds: submitId ? [submitId] : [],
        };
      }
      if (state.status !== 'pending') throw state.error;
      status = state.raw;
    }
  }

  /** Decodes or downloads the images of one call and reads their type and size. */
  async function materialise(
    answer: CallAnswer,
    call: PlannedCall,
    request: ImageRequest,
    signal: AbortSignal | undefined,
    emit: (event: ProgressEvent) => void,
  ): Promise<CallOutcome> {
    const warnings: string[] = [];
    const expected = call.indexes.length;
    let raws = answer.images;
    if (raws.length > expected && call.n !== undefined) {
      warnings.push(
        `The service returned ${raws.length} images where ${expected} were asked for; the extra ones were dropped.`,
      );
      raws = raws.slice(0, expected);
    } else if (raws.length < expected) {
      warnings.push(`The service returned ${raws.length} of the ${expected} images asked for in one call.`);
    }
    const requestId = answer.requestIds[0];
    const images: GeneratedImage[] = [];
    for (let i = 0; i < raws.length; i++) {
      const raw = raws[i] as RawImage;
      const index = call.firstIndex + i;
      let bytes: Uint8Array;
      if (raw.bytes !== undefined || raw.b64Json !== undefined) {
        bytes = decodeImageData((raw.bytes ?? raw.b64Json) as Uint8Array | string, { requestId });
        // The answer keeps only what is still needed: no second reference to the image data.
        raw.bytes = undefined;
        raw.b64Json = undefined;
      } else {
        const url = raw.url as string;
        emit({ type: 'download', call: call.call, index });
        bytes = await withRetries(
          call.call,
          signal,
          emit,
          () =>
            downloadImage(url, {
              transport: requireTransport(),
              timeoutMs,
              maxBytes: maxDownloadBytes,
              signal,
              imageNumber: index + 1,
            }),
          false,
        );
      }
      const image = toGeneratedImage(bytes, index, {
        revisedPrompt: raw.revisedPrompt,
        contentFilterResults: raw.contentFilterResults,
        size: answer.size ?? request.size,
        requestId,
      });
      images.push(image);
      emit({ type: 'image', index });
    }
    return {
      created: answer.created,
      images,
      usage: answer.usage,
      promptFilterResults: answer.promptFilterResults,
      requestIds: answer.requestIds,
      warnings,
    };
  }

  async function runCall(
    call: PlannedCall,
    request: ImageRequest,
    build: (ctx: BuildContext) => WireRequest,
    family: ModelFamily | undefined,
    signal: AbortSignal | undefined,
    emit: (event: ProgressEvent) => void,
  ): Promise<CallOutcome> {
    const ctx: BuildContext = { family };
    const model = provider.resultModel(request);
    let answer: CallAnswer;
    if (provider.operation) {
      const submitted = await withRetries(call.call, signal, emit, () => send(build, ctx, signal, model));
      answer = await pollOperation(submitted, call, ctx, signal, emit);
    } else {
      answer = await withRetries(call.call, signal, emit, async () => {
        const response = await send(build, ctx, signal, model);
        return readAnswer(response, call, emit);
      });
    }
    return materialise(answer, call, request, signal, emit);
  }

  async function execute(
    request: ImageRequest,
    warnings: string[],
    family: ModelFamily | undefined,
    builder: (callRequest: ImageRequest) => (ctx: BuildContext) => WireRequest,
    callOptions: CallOptions | undefined,
  ): Promise<ImageResult> {
    const signal = callOptions?.signal;
    const emit = emitter(callOptions);
    if (signal?.aborted) throw cancelledError(signal.reason);
    const calls = planCalls(request.n, family?.maxImagesPerCall);
    const settled = await runBounded(calls.length, concurrency, (i) => {
      const call = calls[i] as PlannedCall;
      const callRequest: ImageRequest = calls.length === 1 ? request : { ...request, n: call.n };
      return runCall(call, callRequest, builder(callRequest), family, signal, emit);
    });
    if (signal?.aborted) throw cancelledError(signal.reason);

    const result: ImageResult = {
      created: 0,
      model: provider.resultModel(request),
      provider: provider.kind,
      requestIds: [],
      images: [],
      errors: [],
      warnings: [...warnings],
      sandbox: isSandbox,
    };
    let created: number | undefined;
    let firstError: ImageError | undefined;
    settled.forEach((outcome, i) => {
      const call = calls[i] as PlannedCall;
      if (outcome.status === 'rejected') {
        const raw = outcome.reason;
        const error = raw instanceof ImageError ? raw : classify(raw);
        const tagged = calls.length > 1 ? tagError(error, call) : error;
        firstError ??= tagged;
        result.errors.push(tagged);
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
    if (result.images.length === 0 && firstError) {
      throw result.errors.length > 1 ? allCallsFailed(firstError, result.errors) : firstError;
    }
    result.created = created ?? Math.floor(now() / 1000);
    return result;
  }

  function checkProblems(request: ImageRequest): void {
    const problems: Problem[] = [...provider.configProblems(), ...(provider.requestProblems?.(request) ?? [])];
    if (problems.length > 0) throw invalidRequestError(problems);
  }

  /** Anything but a plain object is refused as such (validation says so), before defaults are merged in. */
  function refuseNonObject(input: unknown, validate: typeof validateGenerate | typeof validateEdit): void {
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) return;
    const outcome = validate(input);
    throw invalidRequestError(outcome.ok ? [] : outcome.problems);
  }

  function withDefaultModel<T extends ImageRequest>(request: T): T {
    if (request && typeof request === 'object' && request.model === undefined && provider.defaultModel) {
      return { ...request, model: provider.defaultModel };
    }
    return request;
  }

  return {
    provider: provider.kind,

    async generate(input, callOptions) {
      refuseNonObject(input, validateGenerate);
      const request = withDefaultModel(input);
      checkProblems(request);
      const family = provider.familyFor(request);
      const outcome = validateGenerate(request, family);
      if (!outcome.ok) throw invalidRequestError(outcome.problems);
      return execute(
        outcome.request,
        outcome.warnings,
        family,
        (callRequest) => (ctx) => provider.buildGenerate(callRequest, ctx),
        callOptions,
      );
    },

    async edit(input, callOptions) {
      refuseNonObject(input, validateEdit);
      const request = withDefaultModel(input);
      checkProblems(request);
      const buildEdit = provider.buildEdit;
      if (!buildEdit) {
        throw invalidRequestError([
          {
            field: 'provider',
            value: provider.kind,
            message: `image edits are not available with the ${provider.kind} provider; use OpenAI, Azure OpenAI or a compatible host`,
          },
        ]);
      }
      const family = provider.familyFor(request);
      const outcome = validateEdit(request, family);
      if (!outcome.ok) throw invalidRequestError(outcome.problems);
      return execute(
        outcome.request,
        outcome.warnings,
        family,
        (callRequest) => (ctx) => buildEdit(callRequest as EditRequest, ctx),
        callOptions,
      );
    },

    async listModels(callOptions) {
      const problems = provider.configProblems();
      if (problems.length > 0) throw invalidRequestError(problems);
      const buildList = provider.buildListModels;
      if (!buildList) return provider.configuredModels?.() ?? [];
      const signal = callOptions?.signal;
      const emit = emitter(callOptions);
      const json = await withRetries(0, signal, emit, async () => {
        const response = await send((ctx) => buildList(ctx), {}, signal, undefined);
        const body = await readWholeBody(response);
        return parseJsonBody(body, { status: response.status, requestId: readRequestId(response.headers) });
      });
      return readModelList(json);
    },
  };
}

/** `{ data: [{ id, owned_by, created }] }` → image models only, sorted by id. */
export function readModelList(json: unknown): ModelInfo[] {
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw badResponse('The model list answer has no "data" array.');
  const models: ModelInfo[] = [];
  for (const item of data) {
    if (typeof item !== 'object' || item === null) continue;
    const { id, owned_by: ownedBy, created } = item as Record<string, unknown>;
    if (typeof id !== 'string') continue;
    const family = resolveFamily(id);
    if (!family && !IMAGE_MODEL.test(id)) continue;
    const info: ModelInfo = { id };
    if (typeof ownedBy === 'string') info.ownedBy = ownedBy;
    if (typeof created === 'number') info.created = created;
    if (family) info.family = family.id;
    models.push(info);
  }
  return models.sort((a, b) => a.id.localeCompare(b.id));
}
