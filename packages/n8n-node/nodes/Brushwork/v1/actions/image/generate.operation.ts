import type { ImageClient } from '@brushwork/core';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
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
    displayOptions: { show: { operation: ['generate'] } },
  },
  ...modelFields('generate'),
];

export async function execute(
  this: IExecuteFunctions,
  itemIndex: number,
  client: ImageClient,
  signal: AbortSignal,
): Promise<INodeExecutionData[]> {
  const request = readImageRequest(this, itemIndex, 'generate');
  const result = await client.generate(request, { signal });
  const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
  return imageItems(this, itemIndex, request, result, binaryPropertyName || 'data');
}
