/**
 * An ImageResult turned into a tool result: files saved (all or none when cancelled), previews sized
 * to the inline budget, a resource_link per file, a text summary and structuredContent matching
 * `imageOutputShape`. Images the core wrote to the call's file sink (file-sink.ts) as they arrived are
 * published from their temp files, never held whole; previews are made from the saved files.
 */
import {
  type Cost,
  costFields,
  costText,
  detectProvenance,
  type GeneratedImage,
  type ImageResult,
  type Provenance,
  redactSecrets,
  releaseBytes,
} from '@brushwork/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ServerConfig } from './config.js';
import { sandboxLine } from './describe.js';
import type { ImageFileSink } from './file-sink.js';
import {
  lendSavedImage,
  plannedFileNames,
  publishFile,
  removeFiles,
  resourceUri,
  type SavedFile,
  saveNewFile,
} from './files.js';
import { describeError } from './messages.js';
import { makePreviews, type Preview, type PreviewInput } from './preview.js';
import type { ProgressReporter } from './progress.js';

export const costSchema = z
  .object({
    usd: z.number().nullable().describe('US dollars; null when the model has no known price'),
    basis: z
      .enum(['usage', 'estimate', 'unknown'])
      .describe('usage: from the tokens the API reported; estimate: from the price table; unknown: no price'),
    priceDate: z.string().nullable().describe('the date the price used was checked (YYYY-MM-DD)'),
  })
  .describe('what the call (or this image: its share) cost');

const savedImageSchema = z.object({
  index: z.number().int().describe('0-based position in the request'),
  path: z.string().describe('absolute path of the full-resolution file'),
  uri: z.string().describe('brushwork://images/… resource URI of the file'),
  mimeType: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int().describe('file size in bytes'),
  revisedPrompt: z.string().optional().describe('the prompt as the model rewrote it (DALL-E 3)'),
  preview: z.boolean().describe('whether an inline preview is in the content'),
  cost: costSchema.optional(),
  provenance: z
    .enum(['c2pa', 'none'])
    .describe('c2pa: the saved file carries the C2PA content credentials the provider signed it with'),
});

export const imageOutputShape = {
  images: z.array(savedImageSchema),
  model: z.string(),
  provider: z.string(),
  created: z.number().int().describe('unix seconds, from the API'),
  usage: z
    .object({
      inputTokens: z.number().optional(),
      outputTokens: z.number().optional(),
      totalTokens: z.number().optional(),
      inputTextTokens: z.number().optional(),
      inputImageTokens: z.number().optional(),
    })
    .optional(),
  cost: costSchema.optional(),
  sandbox: z.boolean().describe('true when the offline sandbox drew placeholder images'),
  warnings: z.array(z.string()),
  failed: z
    .array(z.object({ indexes: z.array(z.number().int()), message: z.string() }))
    .describe('fan-out calls that failed while others succeeded'),
};

export type ImageOutput = z.infer<z.ZodObject<typeof imageOutputShape>>;

/** What the JSON-RPC envelope and content block wrappers add around each preview's base64. */
const PER_IMAGE_OVERHEAD = 96;
const ENVELOPE_OVERHEAD = 512;

function formatBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1000) return `${Math.round(bytes / 1000)} kB`;
  return `${bytes} B`;
}

export interface DeliverContext {
  config: ServerConfig;
  prompt: string;
  filename?: string;
  date: Date;
  signal: AbortSignal;
  progress: ProgressReporter;
  /** Told after files were saved (resources/list changed). */
  onSaved?: () => void;
  /** The result's cost and each image's share (from the spend guard). */
  cost?: { cost: Cost; images: Cost[] };
  /** The sink the core wrote the images to as they arrived (images with `sunk`). */
  files?: ImageFileSink;
}

export class CancelledError extends Error {
  override readonly name = 'AbortError';
}

/**
 * Saves one image under `name`: its temp file published when it went to the sink, else its bytes
 * written now. Returns the file and its provenance (from the bytes written, byte for byte).
 */
async function saveImage(
  image: GeneratedImage,
  dir: string,
  name: string,
  signal: AbortSignal,
  files: ImageFileSink | undefined,
): Promise<SavedFile & { provenance: Provenance }> {
  if (!image.sunk) {
    return { ...(await saveNewFile(dir, name, image.bytes, signal)), provenance: detectProvenance(image.bytes) };
  }
  const temp = files?.fileOf(image.sunk.writer);
  if (!temp) throw new Error(`image ${image.index + 1} went to a sink this call does not know`);
  return { ...(await publishFile(dir, temp.path, name, signal)), provenance: temp.provenance() };
}

export async function deliverImages(result: ImageResult, context: DeliverContext): Promise<CallToolResult> {
  const { config, signal, progress } = context;
  if (signal.aborted) throw new CancelledError('cancelled before saving');

  const names = plannedFileNames({
    prompt: context.prompt,
    date: context.date,
    images: result.images,
    ...(context.filename !== undefined ? { filename: context.filename } : {}),
  });
  progress.phase(`Saving ${result.images.length} image${result.images.length === 1 ? '' : 's'} to ${config.outputDir}`);
  const saved: (SavedFile & { provenance: Provenance })[] = [];
  let uris: string[];
  try {
    for (const [i, image] of result.images.entries()) {
      saved.push(await saveImage(image, config.outputDir, names[i]!, signal, context.files));
    }
    uris = saved.map((file) => resourceUri(file.fileName));
    if (signal.aborted) throw new CancelledError('cancelled while saving');
  } catch (error) {
    await removeFiles(saved.map((file) => file.path));
    throw error;
  }
  context.onSaved?.();

  const failed = result.errors.map((error) => ({
    indexes: error.indexes ?? [],
    message: redactSecrets(describeError(error, result.provider), config.secrets),
  }));
  const images = result.images.map((image, i) => ({
    index: image.index,
    path: saved[i]!.path,
    uri: uris[i]!,
    mimeType: image.mimeType,
    width: image.width,
    height: image.height,
    bytes: image.sunk?.byteLength ?? image.bytes.byteLength,
    ...(image.revisedPrompt ? { revisedPrompt: redactSecrets(image.revisedPrompt, config.secrets) } : {}),
    preview: false,
    ...(context.cost?.images[i] ? { cost: costFields(context.cost.images[i]) } : {}),
    provenance: saved[i]!.provenance,
  }));
  const structured: ImageOutput = {
    images,
    model: result.model,
    provider: result.provider,
    created: result.created,
    ...(result.usage ? { usage: result.usage } : {}),
    ...(context.cost ? { cost: costFields(context.cost.cost) } : {}),
    sandbox: result.sandbox,
    warnings: result.warnings.map((warning) => redactSecrets(warning, config.secrets)),
    failed,
  };

  const links = images.map((image, i) => ({
    type: 'resource_link' as const,
    uri: image.uri,
    name: saved[i]!.fileName,
    title: `Image ${image.index + 1} (${image.width}x${image.height}, full resolution)`,
    mimeType: image.mimeType,
    size: image.bytes,
  }));

  // Size everything but the previews, then give the previews what is left of the budget.
  const textFor = (withPreview: readonly boolean[]) =>
    summaryText(
      structured,
      withPreview,
      config,
      result.images.length + failed.reduce((n, f) => n + f.indexes.length, 0),
      context.cost?.cost,
    );
  const draft = JSON.stringify({
    content: [{ type: 'text', text: textFor(images.map(() => true)) }, ...links],
    structuredContent: { ...structured, images: images.map((image) => ({ ...image, preview: true })) },
  });
  const budget =
    config.maxInlineBytes - draft.length - ENVELOPE_OVERHEAD - PER_IMAGE_OVERHEAD * images.length - 64 * images.length;
  // The files hold the images now: free any in-memory copies at once (several MB each; with many calls
  // in flight they would otherwise wait for the garbage collector) and make the previews from the files,
  // each opened when its turn comes, only if it is still the plain file of the size we wrote (another
  // process may have swapped it for a link meanwhile): see lendSavedImage.
  for (const image of result.images) releaseBytes(image.bytes);
  progress.phase('Making previews');
  const previews =
    budget > 0
      ? await makePreviews(
          saved.map(
            (file, i) => (use: (image: PreviewInput) => Promise<Preview | undefined>) =>
              lendSavedImage(config.outputDir, file.fileName, images[i]!.bytes, use),
          ),
          budget,
        )
      : images.map(() => undefined);
  if (signal.aborted) {
    await removeFiles(saved.map((file) => file.path));
    throw new CancelledError('cancelled while making previews');
  }
  for (const [i, preview] of previews.entries()) images[i]!.preview = preview !== undefined;

  const content: CallToolResult['content'] = [{ type: 'text', text: textFor(previews.map((p) => p !== undefined)) }];
  for (const [i, link] of links.entries()) {
    const preview = previews[i];
    if (preview) content.push({ type: 'image', data: preview.data, mimeType: preview.mimeType });
    content.push(link);
  }
  return { content, structuredContent: structured };
}

function summaryText(
  output: ImageOutput,
  withPreview: readonly boolean[],
  config: ServerConfig,
  requested: number,
  cost: Cost | undefined,
): string {
  const lines: string[] = [];
  const sandbox = sandboxLine(config);
  if (sandbox || output.sandbox) lines.push(sandbox ?? 'SANDBOX MODE: these are offline placeholder images.');
  lines.push(
    `${output.images.length} of ${requested} image${requested === 1 ? '' : 's'} from ${output.model} (${output.provider}), saved in ${config.outputDir}:`,
  );
  for (const [i, image] of output.images.entries()) {
    lines.push(
      `${image.index + 1}. ${image.path} (${image.width}x${image.height} ${image.mimeType.slice('image/'.length).toUpperCase()}, ${formatBytes(image.bytes)}${image.provenance === 'c2pa' ? ', C2PA content credentials' : ''})${withPreview[i] ? '' : ' [no inline preview: over the inline budget]'}`,
    );
    if (image.revisedPrompt) lines.push(`   revised prompt: ${image.revisedPrompt}`);
  }
  if (output.failed.length > 0) {
    lines.push(`Failed (${output.failed.reduce((n, f) => n + Math.max(1, f.indexes.length), 0)} image(s)):`);
    for (const failure of output.failed) {
      const which = failure.indexes.length ? `image ${failure.indexes.map((i) => i + 1).join(', ')}` : 'a call';
      lines.push(`- ${which}: ${failure.message}`);
    }
  }
  for (const warning of output.warnings) lines.push(`Note: ${warning}`);
  if (output.usage?.totalTokens !== undefined) lines.push(`Tokens used: ${output.usage.totalTokens}`);
  if (cost) lines.push(`Cost: ${costText(cost)}`);
  return lines.join('\n');
}

/** An isError tool result (with the sandbox line when it applies). */
export function errorResult(message: string, config: ServerConfig): CallToolResult {
  const sandbox = sandboxLine(config);
  const text = redactSecrets(sandbox ? `${message}\n${sandbox}` : message, config.secrets);
  return { content: [{ type: 'text', text }], isError: true };
}
