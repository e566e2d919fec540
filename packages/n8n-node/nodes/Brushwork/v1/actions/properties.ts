import { DEFAULT_MODEL } from '@brushwork/core';
import type { INodeProperties } from 'n8n-workflow';
import * as image from './image';

/** Every field of version 1, in the order the editor shows them. */
export const properties: INodeProperties[] = [
  {
    displayName: 'Provider',
    name: 'provider',
    type: 'options',
    noDataExpression: true,
    options: [
      { name: 'OpenAI', value: 'openai', description: 'OpenAI, or a host that speaks its Images API' },
      {
        name: 'Azure OpenAI',
        value: 'azure',
        description: 'An image model deployment on Azure OpenAI, with its API key',
      },
      {
        name: 'Azure OpenAI (Entra ID)',
        value: 'azureEntraId',
        description:
          "An image model deployment on Azure OpenAI, signed in with Microsoft Entra ID (an app's client credentials): for resources with keys disabled",
      },
      {
        name: 'Offline Sandbox',
        value: 'sandbox',
        description: 'Made-up images rendered locally: no key, no network, no cost. For trying workflows out.',
      },
    ],
    default: 'openai',
  },
  {
    displayName: 'Resource',
    name: 'resource',
    type: 'options',
    noDataExpression: true,
    options: [{ name: 'Image', value: 'image' }],
    default: 'image',
  },
  ...image.description.slice(0, 1),
  {
    displayName: 'Deployment',
    name: 'deployment',
    type: 'string',
    required: true,
    default: '',
    placeholder: 'e.g. gpt-image-2',
    description: 'Name of the image model deployment in the Azure OpenAI resource',
    displayOptions: { show: { provider: ['azure', 'azureEntraId'] } },
  },
  {
    displayName: 'Model',
    name: 'model',
    type: 'resourceLocator',
    default: { mode: 'list', value: DEFAULT_MODEL },
    required: true,
    description:
      'The image model. It decides which options below apply. On Azure: the model the deployment runs (the deployment picks it; this only sets the options).',
    modes: [
      {
        displayName: 'From List',
        name: 'list',
        type: 'list',
        placeholder: 'Select a model...',
        typeOptions: { searchListMethod: 'searchModels', searchable: true, skipCredentialsCheckInRLC: true },
      },
      {
        displayName: 'ID',
        name: 'id',
        type: 'string',
        placeholder: `e.g. ${DEFAULT_MODEL}`,
      },
    ],
  },
  ...image.description.slice(1),
  {
    displayName: 'Put Output in Field',
    name: 'binaryPropertyName',
    type: 'string',
    default: 'data',
    description: 'Name of the binary property each image is written to (one image per output item)',
    displayOptions: { hide: { operation: ['estimate'] } },
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    options: [
      {
        displayName: 'Concurrency',
        name: 'concurrency',
        type: 'number',
        typeOptions: { minValue: 1, maxValue: 100 },
        default: 10,
        description: 'How many input items are sent to the provider at once',
      },
      {
        displayName: 'Max Estimated Cost per Execution',
        name: 'maxCostPerExecution',
        type: 'number',
        typeOptions: { minValue: 0, numberPrecision: 4 },
        default: 0,
        description:
          'In US dollars; 0: no cap. Items whose estimate would take the execution’s estimated spend above it fail before any request is sent.',
      },
      {
        displayName: 'Max Estimated Cost per Item',
        name: 'maxCostPerItem',
        type: 'number',
        typeOptions: { minValue: 0, numberPrecision: 4 },
        default: 0,
        description:
          'In US dollars; 0: no cap. An item whose estimated cost is above it fails before any request is sent.',
      },
      {
        displayName: 'Max Retries',
        name: 'maxRetries',
        type: 'number',
        typeOptions: { minValue: 0, maxValue: 10 },
        default: 2,
        description:
          'Retries after a rate limit (429, honouring Retry-After), a timeout or a server error, before the item fails',
      },
      {
        displayName: 'Prices (JSON)',
        name: 'prices',
        type: 'json',
        default: '',
        placeholder: '{"models": {"gpt-image-2": {"tokens": {"imageOutput": 28}, "checked": "2026-12-01"}}}',
        description:
          'Price overrides on top of the built-in table: per model, token rates (USD per million) or per-image prices, with the date checked; "like" prices an Azure deployment as a known model',
      },
      {
        displayName: 'Timeout (Seconds)',
        name: 'timeout',
        type: 'number',
        typeOptions: { minValue: 1, maxValue: 3600 },
        default: 600,
        description:
          'How long one attempt may take. Large or high-quality images can take several minutes: keep it above 120.',
      },
      {
        displayName: 'User',
        name: 'user',
        type: 'string',
        default: '',
        description: 'An ID for the end user, passed on to help the provider detect abuse',
      },
    ],
  },
];
