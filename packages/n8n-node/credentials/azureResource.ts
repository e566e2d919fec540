/**
 * The Azure OpenAI resource fields both Azure credentials ask for (API key and Entra ID): where the
 * resource is and which API path and version to call. Bundled into each credential file.
 */
import type { INodeProperties } from 'n8n-workflow';

export const azureResourceProperties: INodeProperties[] = [
  {
    displayName: 'Endpoint',
    name: 'endpoint',
    type: 'string',
    required: true,
    default: '',
    placeholder: 'https://my-resource.openai.azure.com',
    description: 'The resource endpoint, without a path',
  },
  {
    displayName: 'API Version',
    name: 'apiVersion',
    type: 'string',
    default: '2025-04-01-preview',
    description:
      'Deployment URLs need one (GPT image models: 2025-04-01-preview or later; DALL-E 3: 2024-10-21 or later)',
  },
  {
    displayName: 'API Path',
    name: 'api',
    type: 'options',
    options: [
      {
        name: 'Deployment URL',
        value: 'deployment',
        description: '/openai/deployments/{deployment}/images/...?api-version=...',
      },
      { name: 'V1 API', value: 'v1', description: '/openai/v1/images/... with the deployment sent as the model' },
    ],
    default: 'deployment',
  },
];
