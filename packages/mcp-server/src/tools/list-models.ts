/** list_models: the image models the configured key can use, with what each accepts. */
import { allowedValues, describeSizes, familyById, type ModelInfo, redactSecrets, retirementOf } from '@brushwork/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { sandboxLine } from '../describe.js';
import { describeError } from '../messages.js';
import { errorResult } from '../results.js';
import type { ToolContext } from './context.js';

const capabilitiesSchema = z.object({
  family: z.string(),
  sizes: z.string(),
  qualities: z.array(z.string()),
  styles: z.array(z.string()),
  backgrounds: z.array(z.string()),
  outputFormats: z.array(z.string()),
  maxN: z.number().int(),
  maxPromptLength: z.number().int(),
  edit: z.boolean(),
  maxEditImages: z.number().int(),
  streaming: z.boolean(),
});

export const listModelsOutputShape = {
  provider: z.string(),
  defaultModel: z.string(),
  sandbox: z.boolean(),
  models: z.array(
    z.object({
      id: z.string(),
      ownedBy: z.string().optional(),
      created: z.number().optional(),
      capabilities: capabilitiesSchema.optional().describe("absent when the model is not in Brushwork's table"),
      retirement: z.string().optional().describe('shutdown notice, with the replacement'),
    }),
  ),
};

type ModelRow = z.infer<z.ZodObject<typeof listModelsOutputShape>>['models'][number];

export function describeModel(info: ModelInfo): ModelRow {
  const row: ModelRow = { id: info.id };
  if (info.ownedBy) row.ownedBy = info.ownedBy;
  if (info.created !== undefined) row.created = info.created;
  if (info.family) {
    const family = familyById(info.family);
    row.capabilities = {
      family: family.label,
      sizes: describeSizes(family.sizes),
      qualities: [...allowedValues(family, 'quality')],
      styles: [...allowedValues(family, 'style')],
      backgrounds: [...allowedValues(family, 'background')],
      outputFormats: [...allowedValues(family, 'outputFormat')],
      maxN: family.maxN,
      maxPromptLength: family.maxPromptLength,
      edit: family.supportsEdit,
      maxEditImages: family.maxEditImages,
      streaming: family.supportsStreaming,
    };
  }
  const retirement = retirementOf(info.id);
  if (retirement) {
    row.retirement = `${retirement.status === 'retired' ? 'retired' : 'deprecated'} on ${retirement.retiredOn}; use ${retirement.replacement}`;
  }
  return row;
}

export function registerListModels(server: McpServer, context: ToolContext): void {
  server.registerTool(
    'list_models',
    {
      title: 'List image models',
      description:
        'List the image models the configured API key can use, with the sizes, qualities, formats and edit support each accepts. Use an id from here as the model argument of generate_image or edit_image.',
      inputSchema: {},
      outputSchema: listModelsOutputShape,
      annotations: {
        title: 'List image models',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: true,
      },
    },
    async (_args, extra): Promise<CallToolResult> => {
      const { config } = context;
      try {
        const models = (await context.modelList.get(context.client, extra.signal)).map(describeModel);
        const structured = {
          provider: context.client.provider,
          defaultModel: context.model.model,
          sandbox: context.client.provider === 'sandbox',
          models,
        };
        const lines: string[] = [];
        const sandbox = sandboxLine(config);
        if (sandbox) lines.push(sandbox);
        lines.push(
          `${models.length} image model${models.length === 1 ? '' : 's'} available (default: ${context.model.model}):`,
        );
        for (const model of models) {
          const caps = model.capabilities;
          const detail = caps
            ? `${caps.family}; sizes ${caps.sizes}; n up to ${caps.maxN}; ${caps.edit ? `edits up to ${caps.maxEditImages} image${caps.maxEditImages === 1 ? '' : 's'}` : 'no edits'}`
            : "not in Brushwork's table: the API judges its options";
          lines.push(`- ${model.id}: ${detail}${model.retirement ? ` (${model.retirement})` : ''}`);
        }
        return {
          content: [{ type: 'text', text: redactSecrets(lines.join('\n'), config.secrets) }],
          structuredContent: structured,
        };
      } catch (error) {
        return errorResult(describeError(error, context.client.provider), config);
      }
    },
  );
}
