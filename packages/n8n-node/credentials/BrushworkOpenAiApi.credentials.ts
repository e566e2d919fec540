import type {
  IAuthenticate,
  ICredentialDataDecryptedObject,
  ICredentialTestRequest,
  ICredentialType,
  IHttpRequestOptions,
  INodeProperties,
  Icon,
} from 'n8n-workflow';

/**
 * OpenAI (or any host speaking the OpenAI Images API with Bearer keys). Its own credential type: the
 * community-node rules (`no-credential-reuse`) forbid a community node to use n8n's built-in `openAiApi`.
 */
export class BrushworkOpenAiApi implements ICredentialType {
  name = 'brushworkOpenAiApi';

  displayName = 'Brushwork OpenAI API';

  icon: Icon = { light: 'file:../icons/brushwork.svg', dark: 'file:../icons/brushwork.dark.svg' };

  documentationUrl = 'https://platform.openai.com/docs/api-reference/authentication';

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
      displayName: 'Base URL',
      name: 'url',
      type: 'string',
      default: 'https://api.openai.com/v1',
      description: 'Change it for a proxy or another host that speaks the OpenAI Images API',
    },
    {
      displayName: 'Organization ID',
      name: 'organizationId',
      type: 'string',
      default: '',
      description: 'Sent as the OpenAI-Organization header when set',
    },
    {
      displayName: 'Project ID',
      name: 'projectId',
      type: 'string',
      default: '',
      description: 'Sent as the OpenAI-Project header when set',
    },
  ];

  authenticate: IAuthenticate = async (
    credentials: ICredentialDataDecryptedObject,
    requestOptions: IHttpRequestOptions,
  ): Promise<IHttpRequestOptions> => {
    const headers = { ...(requestOptions.headers ?? {}) };
    headers.Authorization = `Bearer ${String(credentials.apiKey ?? '')}`;
    if (credentials.organizationId) headers['OpenAI-Organization'] = String(credentials.organizationId);
    if (credentials.projectId) headers['OpenAI-Project'] = String(credentials.projectId);
    return { ...requestOptions, headers };
  };

  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{ String($credentials.url || "https://api.openai.com/v1").replace(/\\/+$/, "") }}',
      url: '/models',
      method: 'GET',
    },
  };
}
