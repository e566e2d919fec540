import type {
  IAuthenticateGeneric,
  ICredentialTestRequest,
  ICredentialType,
  INodeProperties,
  Icon,
} from 'n8n-workflow';
import { azureResourceProperties } from './azureResource';

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
    ...azureResourceProperties,
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
