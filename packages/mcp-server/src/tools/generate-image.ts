/** generate_image: prompt → images saved under the output dir, previews inline, links to the files. */
import { basename } from 'node:path';
import {
  BACKGROUNDS,
  type CallOptions,
  type CostRequest,
  costRequestOf,
  type EditRequest,
  type ImageRequest,
  type ImageResult,
  invalidRequestError,
  MAX_N,
  MAX_OUTPUT_COMPRESSION,
  MAX_PARTIAL_IMAGES,
  MODERATIONS,
  OUTPUT_FORMATS,
  readImageSize,
  resolveFamily,
  validateEdit,
  validateGenerate,
} from '@brushwork/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type FieldDescriptions, fieldDescriptions, generateDescription } from '../describe.js';
import { createImageFileSink } from '../file-sink.js';
import { filenameProblem } from '../files.js';
import { describeError } from '../messages.js';
import { progressReporter, type ToolExtra } from '../progress.js';
import { deliverImages, errorResult, type ImageOutput, imageOutputShape } from '../results.js';
import { runGuarded } from '../spend/index.js';
import { defined, IMAGE_TOOL_ANNOTATIONS, type ToolContext } from './context.js';
import { registerImageTool } from './image-tool.js';

/**
 * Options shared by generate_image and edit_image, in the wire's snake_case. Types, value lists and
 * API-wide ranges come from the core's request schema; what the chosen model accepts is checked by the
 * core, which names the field and the allowed values.
 */
export function optionFields(d: FieldDescriptions) {
  return {
    prompt: z.string().min(1).describe(d.prompt),
    model: z.string().min(1).max(256).optional().describe(d.model),
    n: z.number().int().min(1).max(MAX_N).optional().describe(d.n),
    size: z.string().max(32).optional().describe(d.size),
    quality: z.string().max(32).optional().describe(d.quality),
    background: z.enum(BACKGROUNDS).optional().describe(d.background),
    output_format: z.enum(OUTPUT_FORMATS).optional().describe(d.output_format),
    output_compression: z.number().int().min(0).max(MAX_OUTPUT_COMPRESSION).optional().describe(d.output_compression),
    moderation: z.enum(MODERATIONS).optional().describe(d.moderation),
    partial_images: z.number().int().min(0).max(MAX_PARTIAL_IMAGES).optional().describe(d.partial_images),
    filename: z.string().max(200).optional().describe(d.filename),
  };
}

/** The fields of generate_image only. */
export function styleField(d: FieldDescriptions) {
  return { style: z.string().max(32).optional().describe(d.style) };
}

/** The arguments both tools share, as their schemas parse them. */
export type OptionArgs = z.infer<z.ZodObject<ReturnType<typeof optionFields> & Partial<ReturnType<typeof styleField>>>>;

/** Tool arguments → the core's ImageRequest (camelCase; streaming only when someone listens). */
export function toImageRequest(args: OptionArgs, context: ToolContext, progressEnabled: boolean): ImageRequest {
  const model = args.model ?? context.model.requestModel;
  const stream = progressEnabled && args.partial_images !== undefined && args.partial_images > 0;
  return defined({
    prompt: args.prompt,
    model,
    n: args.n,
    size: args.size,
    quality: args.quality,
    style: args.style,
    background: args.background,
    outputFormat: args.output_format,
    outputCompression: args.output_compression,
    moderation: args.moderation,
    ...(stream ? { stream: true, partialImages: args.partial_images } : {}),
  }) as ImageRequest;
}

/**
 * The cost inputs of a request (edits: their input images' sizes). On an Azure deployment URL the request
 * names no model: the price is the configured model's (BRUSHWORK_MODEL), else the deployment name's (priced
 * only through BRUSHWORK_PRICES).
 */
export function costRequestFor(request: ImageRequest | EditRequest, context: ToolContext): CostRequest {
  const cost = costRequestOf(request, readImageSize);
  const { provider, model } = context.config;
  const priceModel = model ?? (provider.kind === 'azure' ? provider.deployment : undefined);
  if (cost.model === undefined && priceModel !== undefined) cost.model = priceModel;
  return cost;
}

/**
 * Checks a request the way the client will (the fields, per model family) so that an invalid one is
 * answered before the spend guard sees it: no estimate, no reservation, no ledger line.
 */
export function validateFirst(request: ImageRequest, costRequest: CostRequest): void {
  const family = resolveFamily(costRequest.model);
  const outcome = 'images' in request ? validateEdit(request, family) : validateGenerate(request, family);
  if (!outcome.ok) throw invalidRequestError(outcome.problems);
}

/**
 * Runs one image call through the spend guard and turns its outcome (or failure) into a tool result:
 * `prepare` completes the request (edit_image reads its input images), the guard estimates it and
 * reserves the estimate — or refuses before any upstream request — then `send` calls the API (with
 * `options`: the call's signal, progress and the file sink its images are written to as they arrive),
 * the result is priced from its usage and saved, and the ledger gets its line. Temp files of images
 * not saved in the end are removed.
 */
export async function runImageCall<R extends ImageRequest>(
  tool: string,
  args: OptionArgs,
  extra: ToolExtra,
  context: ToolContext,
  prepare: (request: ImageRequest) => Promise<R>,
  send: (request: R, options: CallOptions) => Promise<ImageResult>,
): Promise<CallToolResult> {
  const { config } = context;
  if (args.filename !== undefined) {
    const problem = filenameProblem(args.filename);
    if (problem) return errorResult(`Invalid arguments; nothing was sent.\n- filename: ${problem}`, config);
  }
  const progress = progressReporter(extra, context.client.provider);
  const files = createImageFileSink(config.outputDir);
  let delivered: CallToolResult | undefined; // by the save step
  try {
    const request = await prepare(toImageRequest(args, context, progress.enabled));
    const costRequest = costRequestFor(request, context);
    validateFirst(request, costRequest);
    const outcome = await runGuarded(
      context.spend,
      tool,
      costRequest,
      () =>
        progress.whileWaiting(() =>
          send(request, { signal: extra.signal, onProgress: progress.core, imageSink: files }),
        ),
      async (result, cost) => {
        delivered = await deliverImages(result, {
          config,
          prompt: args.prompt,
          date: context.now(),
          signal: extra.signal,
          progress,
          onSaved: context.onSaved,
          cost,
          files,
          ...(args.filename !== undefined ? { filename: args.filename } : {}),
        });
        return (delivered.structuredContent as ImageOutput).images.map((image) => basename(image.path));
      },
    );
    if (!outcome.ok) {
      context.log(`brushwork-mcp: ${tool}: ${outcome.message}`);
      return errorResult(outcome.message, config);
    }
    return delivered!;
  } catch (error) {
    const message = describeError(error, context.client.provider);
    context.log(`brushwork-mcp: ${message.split('\n')[0]}`);
    return errorResult(message, config);
  } finally {
    await files.discard();
  }
}

export function registerGenerateImage(server: McpServer, context: ToolContext): void {
  const d = fieldDescriptions(context.model);
  registerImageTool(
    server,
    context,
    'generate_image',
    {
      title: 'Generate image',
      description: generateDescription(context.config, context.model),
      inputSchema: { ...optionFields(d), ...styleField(d) },
      outputSchema: imageOutputShape,
      annotations: { title: 'Generate image', ...IMAGE_TOOL_ANNOTATIONS },
    },
    (args, extra) =>
      runImageCall(
        'generate_image',
        args,
        extra,
        context,
        async (request) => request,
        (request, options) => context.client.generate(request, options),
      ),
  );
}
