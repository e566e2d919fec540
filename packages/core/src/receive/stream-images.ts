/**
 * Reading a streamed images answer (stream=true on GPT image models): SSE events
 * `image_generation.partial_image` / `image_edit.partial_image` become progress callbacks, and
 * `image_generation.completed` / `image_edit.completed` the final images with their usage.
 */
import { readWholeBody } from './body.js';
import { ImageError } from '../errors/image-error.js';
import { addUsage, badResponse, decodeImageData, parseUsage, type RawImage } from './parse-images.js';
import { parseSseStream, type SseEvent } from './sse.js';
import { isRecord } from '../util/values.js';
import type { HttpResponse, Usage } from '../types.js';

export interface StreamedImages {
  created?: number;
  images: RawImage[];
  usage?: Usage;
}

export interface StreamOptions {
  requestId?: string;
  /** A partial image of the `imageOffset`-th image of this call (0-based), decoded. */
  onPartial?: (imageOffset: number, partialIndex: number, bytes: Uint8Array) => void;
}

/** An `error` event (`event: error`, or `{"type":"error","error":{...}}`) → ImageError. */
function streamError(payload: unknown, requestId: string | undefined): ImageError {
  const inner = isRecord(payload) && isRecord(payload.error) ? payload.error : isRecord(payload) ? payload : {};
  const code = typeof inner.code === 'string' ? inner.code : undefined;
  const message = typeof inner.message === 'string' ? inner.message : 'unknown error';
  const policy = code !== undefined && /content_policy|content_?filter|moderation_blocked/i.test(code);
  const server = code === 'server_error' || inner.type === 'server_error';
  return new ImageError({
    kind: policy ? 'content_policy' : server ? 'server' : 'bad_response',
    message: policy ? `The prompt was refused by the safety system: ${message}` : `The image stream failed: ${message}`,
    code,
    requestId,
    retryable: server,
  });
}

function chunksOf(response: HttpResponse): AsyncIterable<Uint8Array> {
  if (response.chunks) return response.chunks;
  return (async function* () {
    yield await readWholeBody(response);
  })();
}

export async function readImageStream(response: HttpResponse, options: StreamOptions = {}): Promise<StreamedImages> {
  const { requestId } = options;
  const result: StreamedImages = { images: [] };
  const handle = (event: SseEvent) => {
    const data = event.data.trim();
    if (data === '' || data === '[DONE]') return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch (cause) {
      throw badResponse('The image stream sent an event that is not valid JSON.', { requestId, cause });
    }
    const type = isRecord(payload) && typeof payload.type === 'string' ? payload.type : event.event;
    if (event.event === 'error' || type === 'error') throw streamError(payload, requestId);
    if (!isRecord(payload)) return;
    if (type.endsWith('.partial_image')) {
      if (typeof payload.b64_json !== 'string' || !options.onPartial) return;
      const partialIndex = typeof payload.partial_image_index === 'number' ? payload.partial_image_index : 0;
      options.onPartial(result.images.length, partialIndex, decodeImageData(payload.b64_json, { requestId }));
    } else if (type.endsWith('.completed')) {
      if (typeof payload.b64_json !== 'string' || payload.b64_json === '') {
        throw badResponse('The image stream completed without image data.', { requestId });
      }
      result.images.push({ b64Json: payload.b64_json });
      const created = payload.created_at ?? payload.created;
      if (typeof created === 'number' && result.created === undefined) result.created = created;
      const usage = addUsage(result.usage, parseUsage(payload.usage));
      if (usage) result.usage = usage;
    }
  };
  for await (const event of parseSseStream(chunksOf(response))) handle(event);
  if (result.images.length === 0) {
    throw badResponse('The image stream ended without a final image; the connection may have been cut.', {
      requestId,
    });
  }
  return result;
}
