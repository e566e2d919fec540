/**
 * estimate_cost: what generate_image or edit_image would cost with these arguments, and whether the spend
 * caps would let it through now. Reads edit input images (for their sizes); never calls the API.
 */
import { estimateReport, formatUsd, redactSecrets } from '@brushwork/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { fieldDescriptions } from '../describe.js';
import { describeError } from '../messages.js';
import { costSchema, errorResult } from '../results.js';
import type { ToolContext } from './context.js';
import { editFields, editRequestOf } from './edit-image.js';
import { costRequestFor, optionFields, toImageRequest, validateFirst } from './generate-image.js';

export const estimateOutputShape = {
  operation: z.enum(['generate', 'edit']),
  model: z.string().optional().describe('the model priced'),
  estimate: costSchema,
  perImageUsd: z.number().nullable(),
  images: z.number().int(),
  priceSource: z.string().optional().describe('where the price figures come from'),
  notes: z.array(z.string()).describe('what the estimate assumed, or why there is no price'),
  spend: z.object({
    window: z.string(),
    spentUsd: z.number().describe('spent in the budget window, from the ledger'),
    reservedUsd: z.number().describe('held by calls in flight'),
    budgetUsd: z.number().optional(),
    maxCostPerCallUsd: z.number().optional(),
    refusal: z.string().optional().describe('why the call would be refused now'),
  }),
};

export function registerEstimateCost(server: McpServer, context: ToolContext): void {
  const d = fieldDescriptions(context.model);
  const edit = editFields(d);
  server.registerTool(
    'estimate_cost',
    {
      title: 'Estimate cost',
      description:
        'Estimate what generate_image (operation "generate", the default) or edit_image (operation "edit") would cost with these arguments, from the price table, and whether the spend caps would allow it now. Sends nothing to the image API.',
      inputSchema: {
        operation: z.enum(['generate', 'edit']).optional().describe('which tool to estimate (default generate)'),
        ...optionFields(d),
        style: z.string().max(32).optional().describe(d.style),
        images: edit.images.optional().describe(`${edit.images.description} Required for operation "edit".`),
        mask: edit.mask,
        input_fidelity: edit.input_fidelity,
      },
      outputSchema: estimateOutputShape,
      annotations: {
        title: 'Estimate cost',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    async (args): Promise<CallToolResult> => {
      const { config, spend } = context;
      const operation = args.operation ?? 'generate';
      try {
        if (operation === 'edit' && !args.images)
          return errorResult('Invalid arguments.\n- images: required for operation "edit"', config);
        const base = toImageRequest(args, context, true);
        const request =
          operation === 'edit' && args.images
            ? await editRequestOf(base, { ...args, images: args.images }, context)
            : base;
        const costRequest = costRequestFor(request, context);
        validateFirst(request, costRequest);
        const status = await spend.check(costRequest);
        const report = estimateReport(status.estimate);
        const { maxCostPerCallUsd, budgetUsd } = spend.config;
        const structured = {
          operation,
          ...(costRequest.model !== undefined ? { model: costRequest.model } : {}),
          estimate: report.estimate,
          perImageUsd: report.perImageUsd,
          images: report.images,
          ...(report.priceSource ? { priceSource: report.priceSource } : {}),
          notes: report.notes,
          spend: {
            window: status.window,
            spentUsd: status.spentUsd,
            reservedUsd: status.reservedUsd,
            ...(budgetUsd !== undefined ? { budgetUsd } : {}),
            ...(maxCostPerCallUsd !== undefined ? { maxCostPerCallUsd } : {}),
            ...(status.refusal ? { refusal: status.refusal } : {}),
          },
        };
        const lines = [
          `${operation === 'edit' ? 'edit_image' : 'generate_image'} with ${costRequest.model ?? 'the deployment’s model'}: ${report.text}`,
          ...report.notes.map((note) => `Note: ${note}`),
        ];
        if (budgetUsd !== undefined)
          lines.push(
            `Spent ${status.window}: ${formatUsd(status.spentUsd)} of ${formatUsd(budgetUsd)}${status.reservedUsd > 0 ? ` (${formatUsd(status.reservedUsd)} reserved by calls in flight)` : ''}.`,
          );
        lines.push(status.refusal ? `This call would be refused now: ${status.refusal}` : 'The spend caps allow it.');
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
