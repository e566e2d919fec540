/** edit_image: prompt + input images (and a mask) from allowed directories → edited images, delivered like generate_image. */
import {
  type EditRequest,
  type ImageRequest,
  INPUT_FIDELITIES,
  type InputImage,
  invalidRequestError,
} from '@brushwork/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { editDescription, type FieldDescriptions, fieldDescriptions } from '../describe.js';
import { FileProblem, readInputImage } from '../files.js';
import { imageOutputShape } from '../results.js';
import { defined, IMAGE_TOOL_ANNOTATIONS, type ToolContext } from './context.js';
import { optionFields, runImageCall } from './generate-image.js';
import { registerImageTool } from './image-tool.js';

/** The fields edit_image adds to generate_image's (estimate_cost takes them too). */
export function editFields(d: FieldDescriptions) {
  return {
    images: z
      .array(z.string().min(1))
      .min(1)
      .max(16)
      .describe(
        'Input images: absolute paths, paths relative to the output directory, or brushwork://images/… URIs. PNG, JPEG or WebP.',
      ),
    mask: z
      .string()
      .min(1)
      .optional()
      .describe('Optional PNG mask (same size as the first image; transparent where the image should change).'),
    input_fidelity: z.enum(INPUT_FIDELITIES).optional().describe(d.input_fidelity),
  };
}

export interface EditArgs {
  images: string[];
  mask?: string;
  input_fidelity?: 'high' | 'low';
}

/** The request plus its input images and mask, read from the allowed directories. */
export async function editRequestOf(request: ImageRequest, args: EditArgs, context: ToolContext): Promise<EditRequest> {
  const dirs = { outputDir: context.config.outputDir, inputDirs: context.config.inputDirs };
  const toInput = async (field: string, reference: string): Promise<InputImage> => {
    try {
      const file = await readInputImage(field, reference, dirs);
      return { bytes: file.bytes, filename: file.fileName };
    } catch (error) {
      if (!(error instanceof FileProblem)) throw error;
      throw invalidRequestError([{ field: error.field, value: reference, message: error.message }]);
    }
  };
  const images = await Promise.all(args.images.map((reference, i) => toInput(`images[${i}]`, reference)));
  const mask = args.mask === undefined ? undefined : await toInput('mask', args.mask);
  return defined({ ...request, images, mask, inputFidelity: args.input_fidelity }) as EditRequest;
}

export function registerEditImage(server: McpServer, context: ToolContext): void {
  const d = fieldDescriptions(context.model);
  registerImageTool(
    server,
    context,
    'edit_image',
    {
      title: 'Edit image',
      description: editDescription(context.config, context.model),
      inputSchema: { ...optionFields(d), ...editFields(d) },
      outputSchema: imageOutputShape,
      annotations: { title: 'Edit image', ...IMAGE_TOOL_ANNOTATIONS },
    },
    (args, extra) =>
      runImageCall(
        'edit_image',
        args,
        extra,
        context,
        (request) => editRequestOf(request, args, context),
        (edit, options) => context.client.edit(edit, options),
      ),
  );
}
