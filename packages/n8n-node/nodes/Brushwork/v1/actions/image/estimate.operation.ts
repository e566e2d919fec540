/**
 * Estimate Cost: what Generate Image or Edit Image would cost for each item, from the price table (and the
 * Prices (JSON) option), with the same fields. Sends nothing to the provider.
 */
import {
  estimateReport,
  type ImageRequest,
  invalidRequestError,
  resolveFamily,
  validateEdit,
  validateGenerate,
} from '@brushwork/core';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { type CostSettings, estimateOf } from '../../helpers/cost';
import * as edit from './edit.operation';
import * as generate from './generate.operation';

export const description: INodeProperties[] = [
  {
    displayName: 'Estimate For',
    name: 'estimateFor',
    type: 'options',
    options: [
      { name: 'Edit Image', value: 'edit', description: 'Editing the images of the incoming item' },
      { name: 'Generate Image', value: 'generate', description: 'Generating images from the prompt' },
    ],
    default: 'generate',
    description: 'Which operation to estimate; the fields below are the ones it takes',
    displayOptions: { show: { operation: ['estimate'] } },
  },
  { ...edit.imagePropertiesField, displayOptions: { show: { operation: ['estimate'], estimateFor: ['edit'] } } },
];

export async function execute(
  this: IExecuteFunctions,
  itemIndex: number,
  costs: CostSettings,
): Promise<INodeExecutionData[]> {
  const estimateFor = this.getNodeParameter('estimateFor', itemIndex, 'generate') === 'edit' ? 'edit' : 'generate';
  const request: ImageRequest =
    estimateFor === 'edit'
      ? await edit.readRequest.call(this, itemIndex)
      : await generate.readRequest.call(this, itemIndex);
  // The same checks the call would get, so an estimate is never given for a request that would be refused.
  const family = resolveFamily(request.model);
  const checked = estimateFor === 'edit' ? validateEdit(request, family) : validateGenerate(request, family);
  if (!checked.ok) throw invalidRequestError(checked.problems);
  const report = estimateReport(estimateOf(request, costs));
  const json: IDataObject = {
    operation: 'estimate',
    estimateFor,
    prompt: request.prompt,
    model: request.model ?? null,
    size: request.size ?? null,
    quality: request.quality ?? null,
    n: request.n ?? 1,
    estimate: report.estimate as unknown as IDataObject,
    perImageUsd: report.perImageUsd,
    images: report.images,
    priceModel: report.priceModel ?? null,
    priceSource: report.priceSource ?? null,
    notes: report.notes,
    summary: report.text,
  };
  if (report.tokens) json.tokens = report.tokens as unknown as IDataObject;
  return [{ json, pairedItem: { item: itemIndex } }];
}
