import type { INodeProperties } from 'n8n-workflow';
import * as edit from './edit.operation';
import * as estimate from './estimate.operation';
import * as generate from './generate.operation';

export { edit, estimate, generate };

export const description: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['image'] } },
    options: [
      {
        name: 'Edit Image',
        value: 'edit',
        action: 'Edit an image',
        description: 'Change images from the incoming item with a prompt (and an optional mask)',
      },
      {
        name: 'Estimate Cost',
        value: 'estimate',
        action: 'Estimate the cost of an image call',
        description: 'What Generate Image or Edit Image would cost for each item, without calling the API',
      },
      {
        name: 'Generate Image',
        value: 'generate',
        action: 'Generate an image',
        description: 'Make images from a text prompt',
      },
    ],
    default: 'generate',
  },
  ...estimate.description,
  ...generate.description,
  ...edit.description,
];
