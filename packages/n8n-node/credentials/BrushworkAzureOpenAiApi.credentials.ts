import type {
  IAuthenticateGeneric,
  ICredentialTestRequest,
  ICredentialType,
  INodeProperties,
  Icon,
} from 'n8n-workflow';

/** Azure OpenAI with an API key (sent as the `api-key` header). */
export class BrushworkAzureOpenAiApi implements ICredentialType {
  name = 'brushworkAzureOpenAiApi';

  displayName = 'Brushwork Azure OpenAI API';

  icon: Icon = { light: 'file:../icons/brushwork.svg', dark: 'file:../icons/brushwork.dark.svg' };

  documentationUrl = 'https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference';

  properties: INodeProperties[] = [
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      required: true,
      default: '',
    },
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

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: { 'api-key': '={{$credentials.apiKey}}' },
    },
  };

  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{ String($credentials.endpoint).replace(/\\/+$/, "") }}',
      url: '/openai/models',
      qs: { 'api-version': '={{ $credentials.apiVersion || "2024-10-21" }}' },
      method: 'GET',
    },
  };
}
