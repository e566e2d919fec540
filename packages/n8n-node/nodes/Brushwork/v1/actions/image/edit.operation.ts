import type { EditRequest, ImageClient, InputImage } from '@brushwork/core';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { type CostSettings, imageCosts } from '../../helpers/cost';
import { imageItems } from '../../helpers/output';
import { modelFields, unsupportedNotices } from './fields';
import { FAST, readImageRequest } from './request';

/** Where the input images are; Estimate Cost shows it too, for edits. */
export const imagePropertiesField: INodeProperties = {
  displayName: 'Image Properties',
  name: 'imageProperties',
  type: 'string',
  required: true,
  default: 'data',
  placeholder: 'e.g. data, photo2',
  description:
    'Binary properties of the incoming item that hold the images to edit, separated by commas (the first one sets the size of the mask)',
};

export const description: INodeProperties[] = [
  ...unsupportedNotices('edit'),
  {
    displayName: 'Prompt',
    name: 'prompt',
    type: 'string',
    typeOptions: { rows: 4 },
    required: true,
    default: '',
    placeholder: 'e.g. Add a red scarf to the fox',
    description: 'What to change in the images',
    displayOptions: { show: { operation: ['edit'] } },
  },
  { ...imagePropertiesField, displayOptions: { show: { operation: ['edit'] } } },
  {
    displayName: 'Mask Property',
    name: 'maskProperty',
    type: 'string',
    default: '',
    placeholder: 'e.g. mask',
    description:
      'Optional binary property with a PNG mask, the same size as the first image: transparent where the image should change',
    displayOptions: { show: { operation: ['edit'] } },
  },
  ...modelFields('edit'),
];

async function readBinary(context: IExecuteFunctions, itemIndex: number, property: string): Promise<InputImage> {
  const meta = context.helpers.assertBinaryData(itemIndex, property);
  const buffer = await context.helpers.getBinaryDataBuffer(itemIndex, property);
  const image: InputImage = { bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) };
  if (meta.fileName) image.filename = meta.fileName;
  if (meta.mimeType?.startsWith('image/')) image.mimeType = meta.mimeType;
  return image;
}

/** The edit request of an item: its fields, and the images (and mask) from its binary properties. */
export async function readRequest(this: IExecuteFunctions, itemIndex: number): Promise<EditRequest> {
  const base = readImageRequest(this, itemIndex, 'edit');
  const properties = String(this.getNodeParameter('imageProperties', itemIndex, 'data'))
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const images: InputImage[] = [];
  for (const property of properties) images.push(await readBinary(this, itemIndex, property));
  const request: EditRequest = { ...base, images };
  const maskProperty = String(this.getNodeParameter('maskProperty', itemIndex, '')).trim();
  if (maskProperty) request.mask = await readBinary(this, itemIndex, maskProperty);
  const inputFidelity = String(this.getNodeParameter('inputFidelity', itemIndex, '', FAST) ?? '').trim();
  if (inputFidelity === 'high' || inputFidelity === 'low') request.inputFidelity = inputFidelity;
  return request;
}

export async function execute(
  this: IExecuteFunctions,
  itemIndex: number,
  client: ImageClient,
  signal: AbortSignal,
  request: EditRequest,
  costs: CostSettings,
): Promise<INodeExecutionData[]> {
  const result = await client.edit(request, { signal });
  const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;
  return imageItems(this, itemIndex, request, result, binaryPropertyName || 'data', imageCosts(result, request, costs));
}
