import type { ImageClient, ImageRequest } from '@brushwork/core';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { type CostSettings, imageCosts } from '../../helpers/cost';
import { imageItems } from '../../helpers/output';
import { modelFields } from './fields';
import { readImageRequest } from './request';

export const description: INodeProperties[] = [
  {
    displayName: 'Prompt',
    name: 'prompt',
    type: 'string',
    typeOptions: { rows: 4 },
    required: true,
    default: '',
    placeholder: 'e.g. A watercolor fox in the snow, soft morning light',
    description: 'What the image should show',
    // Estimate Cost takes the same prompt (its length counts as input tokens).
    displayOptions: { show: { operation: ['generate', 'estimate'] } },
  },
  ...modelFields('generate'),
];

export async function readRequest(this: IExecuteFunctions, itemIndex: number): Promise<ImageRequest> {
  return readImageRequest(this, itemIndex, 'generate');
}

export async function execute(
  this: IExecuteFunctions,
  itemIndex: number,
  client: ImageClient,
  signal: AbortSignal,
  request: ImageRequest,
  costs: CostSettings,
): Promise<INodeExecutionData[]> {
  const result = await client.generate(request, { signal });
  const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
  return imageItems(this, itemIndex, request, result, binaryPropertyName || 'data', imageCosts(result, request, costs));
}
