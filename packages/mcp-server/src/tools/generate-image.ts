/** generate_image: prompt → images saved under the output dir, previews inline, links to the files. */
import {
  BACKGROUNDS,
  type ImageRequest,
  MAX_N,
  MAX_OUTPUT_COMPRESSION,
  MAX_PARTIAL_IMAGES,
  MODERATIONS,
  OUTPUT_FORMATS,
} from '@brushwork/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type FieldDescriptions, fieldDescriptions, generateDescription } from '../describe.js';
import { filenameProblem } from '../files.js';
import { describeError } from '../messages.js';
import { progressReporter, type ToolExtra } from '../progress.js';
import { deliverImages, errorResult, imageOutputShape } from '../results.js';
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

/** Runs one image call and turns its outcome (or failure) into a tool result. */
export async function runImageCall(
  args: OptionArgs,
  extra: ToolExtra,
  context: ToolContext,
  call: (
    request: ImageRequest,
    progress: ReturnType<typeof progressReporter>,
  ) => Promise<import('@brushwork/core').ImageResult>,
): Promise<CallToolResult> {
  const { config } = context;
  if (args.filename !== undefined) {
    const problem = filenameProblem(args.filename);
    if (problem) return errorResult(`Invalid arguments; nothing was sent.\n- filename: ${problem}`, config);
  }
  const progress = progressReporter(extra, context.client.provider);
  try {
    const request = toImageRequest(args, context, progress.enabled);
    const result = await progress.whileWaiting(() => call(request, progress));
    return await deliverImages(result, {
      config,
      prompt: args.prompt,
      date: context.now(),
      signal: extra.signal,
      progress,
      onSaved: context.onSaved,
      ...(args.filename !== undefined ? { filename: args.filename } : {}),
    });
  } catch (error) {
    const message = describeError(error, context.client.provider);
    context.log(`brushwork-mcp: ${message.split('\n')[0]}`);
    return errorResult(message, config);
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
      runImageCall(args, extra, context, (request, progress) =>
        context.client.generate(request, { signal: extra.signal, onProgress: progress.core }),
      ),
  );
}
