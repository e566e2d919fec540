import type { HttpResponse } from './types.js';

/** Concatenates chunks into one Uint8Array (one copy; none when there is a single chunk). */
export function concatChunks(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const length = total ?? chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** The whole body of a response, reading the stream when the transport streamed it. */
export async function readWholeBody(response: HttpResponse): Promise<Uint8Array> {
  if (response.body !== undefined) return response.body;
  if (!response.chunks) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.chunks) {
    chunks.push(chunk);
    total += chunk.length;
  }
  return concatChunks(chunks, total);
}
