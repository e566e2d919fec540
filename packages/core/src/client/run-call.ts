/**
 * One fan-out call: send it (with retries), read the answer (JSON, or SSE when streaming), then decode
 * or download each image and read its type and size. With an image sink, every image ends up in it:
 * streamed JSON answers as they are decoded, anything else once it is whole.
 */
import { downloadImage } from '../receive/download.js';
import { abortSunk, sinkWhole } from '../receive/image-sink.js';
import { releaseBytes } from '../receive/memory.js';
import { decodeImageData, type RawImage, toGeneratedImage } from '../receive/parse-images.js';
import { readImagesAnswer } from '../receive/decode-stream.js';
import { readImageStream } from '../receive/stream-images.js';
import { readRequestId } from '../errors/http-headers.js';
import type { PlannedCall } from '../request/fanout.js';
import type { WireRequest } from '../providers/index.js';
import type { GeneratedImage, HttpResponse, ImageRequest, ImageSink, Usage } from '../types.js';
import type { Attempts, Emit } from './attempts.js';
import type { ClientSettings } from './settings.js';

/** What one call produced before images are decoded or downloaded. */
interface CallAnswer {
  created?: number;
  images: RawImage[];
  usage?: Usage;
  promptFilterResults?: unknown;
  requestIds: string[];
  size?: string;
}

export interface CallOutcome {
  created?: number;
  images: GeneratedImage[];
  usage?: Usage;
  promptFilterResults?: unknown;
  requestIds: string[];
  warnings: string[];
}

export interface CallContext {
  settings: ClientSettings;
  attempts: Attempts;
  signal: AbortSignal | undefined;
  emit: Emit;
  /** Where images go instead of memory (CallOptions.imageSink). */
  sink?: ImageSink;
}

function isEventStream(response: HttpResponse): boolean {
  return (response.headers['content-type'] ?? '').toLowerCase().includes('text/event-stream');
}

/** Runs one planned call to the end: its images, or the error that cost them. */
export async function runCall(
  call: PlannedCall,
  request: ImageRequest,
  build: () => WireRequest,
  ctx: CallContext,
): Promise<CallOutcome> {
  // Built once per call: retries send the same bytes.
  const wire = build();
  const model = ctx.settings.provider.resultModel(request);
  const answer = await ctx.attempts.withRetries(call.call, ctx.signal, ctx.emit, async () => {
    // JSON answers are decoded as they arrive (receive/decode-stream.ts): ask for the body as chunks.
    const response = await ctx.attempts.send({ ...wire, streamBody: true }, ctx.signal, model);
    return readAnswer(response, call, ctx);
  });
  return materialise(answer, call, request, ctx);
}

/** Reads a successful images answer: JSON, or SSE when streaming. */
async function readAnswer(response: HttpResponse, call: PlannedCall, { emit, sink }: CallContext): Promise<CallAnswer> {
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
  const parsed = await readImagesAnswer(response, { status: response.status, requestId }, sink);
  return {
    created: parsed.created,
    images: parsed.data,
    usage: parsed.usage,
    promptFilterResults: parsed.promptFilterResults,
    requestIds,
    size: parsed.size,
  };
}

/** Warnings when the service returned more or fewer images than the call asked for; extra ones are dropped. */
function fitCount(answer: CallAnswer, call: PlannedCall, warnings: string[]): RawImage[] {
  const expected = call.indexes.length;
  const raws = answer.images;
  if (raws.length > expected && call.n !== undefined) {
    warnings.push(
      `The service returned ${raws.length} images where ${expected} were asked for; the extra ones were dropped.`,
    );
    return raws.slice(0, expected);
  }
  if (raws.length < expected) {
    warnings.push(`The service returned ${raws.length} of the ${expected} images asked for in one call.`);
  }
  return raws;
}

/** Decodes or downloads the images of one call and reads their type and size. */
async function materialise(
  answer: CallAnswer,
  call: PlannedCall,
  request: ImageRequest,
  ctx: CallContext,
): Promise<CallOutcome> {
  const warnings: string[] = [];
  const raws = fitCount(answer, call, warnings);
  await abortSunk(answer.images.slice(raws.length));
  const requestId = answer.requestIds[0];
  const images: GeneratedImage[] = [];
  try {
    for (let i = 0; i < raws.length; i++) {
      const raw = raws[i] as RawImage;
      const index = call.firstIndex + i;
      const extras = {
        revisedPrompt: raw.revisedPrompt,
        contentFilterResults: raw.contentFilterResults,
        size: answer.size ?? request.size,
        requestId,
      };
      const sunk = raw.sunk;
      if (sunk) {
        raw.sunk = undefined;
        images.push(toGeneratedImage(sunk.head, index, extras, sunk));
      } else {
        images.push(await wholeImage(await imageBytes(raw, call, index, requestId, ctx), index, extras, ctx.sink));
      }
      ctx.emit({ type: 'image', index });
    }
  } catch (error) {
    await abortSunk([...images, ...raws]);
    throw error;
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

/** An image that arrived whole, checked, then written to the sink when there is one. */
async function wholeImage(
  bytes: Uint8Array,
  index: number,
  extras: Parameters<typeof toGeneratedImage>[2],
  sink: ImageSink | undefined,
): Promise<GeneratedImage> {
  const image = toGeneratedImage(bytes, index, extras);
  if (!sink) return image;
  const sunk = await sinkWhole(sink, bytes);
  releaseBytes(bytes);
  return { ...image, bytes: new Uint8Array(0), sunk };
}

/** Inline data decoded, or the URL downloaded (with retries of its own). */
async function imageBytes(
  raw: RawImage,
  call: PlannedCall,
  index: number,
  requestId: string | undefined,
  ctx: CallContext,
): Promise<Uint8Array> {
  if (raw.bytes !== undefined || raw.b64Json !== undefined) {
    const bytes = decodeImageData((raw.bytes ?? raw.b64Json) as Uint8Array | string, { requestId });
    // The answer keeps only what is still needed: no second reference to the image data.
    raw.bytes = undefined;
    raw.b64Json = undefined;
    return bytes;
  }
  const url = raw.url as string;
  const { settings, attempts, signal, emit } = ctx;
  emit({ type: 'download', call: call.call, index });
  return attempts.withRetries(
    call.call,
    signal,
    emit,
    () =>
      downloadImage(url, {
        transport: attempts.transport(),
        timeoutMs: settings.timeoutMs,
        maxBytes: settings.maxDownloadBytes,
        signal,
        imageNumber: index + 1,
      }),
    false,
  );
}
