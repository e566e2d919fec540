import { AZURE_OPENAI_SCOPE, ENTRA_AUTHORITY_HOST } from '@brushwork/core';
import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';
import { azureResourceProperties } from './azureResource';

/**
 * Azure OpenAI without an API key: Microsoft Entra ID tokens from the client-credentials flow
 * (tenant, application's client ID and secret), for the scope of Azure AI services. Built on n8n's
 * OAuth2 credential: n8n fetches the token, stores it with the credential (so every queue-mode worker
 * shares it) and fetches a new one when Azure answers 401.
 */
export class BrushworkAzureEntraOAuth2Api implements ICredentialType {
  name = 'brushworkAzureEntraOAuth2Api';

  extends = ['oAuth2Api'];

  displayName = 'Brushwork Azure OpenAI (Entra ID) OAuth2 API';

  icon: Icon = { light: 'file:../icons/brushwork.svg', dark: 'file:../icons/brushwork.dark.svg' };

  documentationUrl = 'https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/managed-identity';

  properties: INodeProperties[] = [
    { displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'clientCredentials' },
    {
      displayName: 'Tenant ID',
      name: 'tenantId',
      type: 'string',
      required: true,
      default: '',
      placeholder: 'e.g. 00000000-0000-0000-0000-000000000000 or contoso.onmicrosoft.com',
      description: 'The directory (tenant) ID of the Microsoft Entra ID tenant the application is registered in',
    },
    {
      displayName: 'Authority Host',
      name: 'authorityHost',
      type: 'string',
      default: ENTRA_AUTHORITY_HOST,
      description:
        "Where tokens come from. Keep the default for Azure's public cloud; sovereign clouds have their own (e.g. https://login.microsoftonline.us).",
    },
    {
      displayName: 'Access Token URL',
      name: 'accessTokenUrl',
      type: 'hidden',
      default: `={{ String($self["authorityHost"] || "${ENTRA_AUTHORITY_HOST}").trim().replace(/\\/+$/, "") }}/{{ encodeURIComponent(String($self["tenantId"]).trim()) }}/oauth2/v2.0/token`,
    },
    { displayName: 'Authorization URL', name: 'authUrl', type: 'hidden', default: '' },
    { displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'hidden', default: '' },
    { displayName: 'Scope', name: 'scope', type: 'hidden', default: AZURE_OPENAI_SCOPE },
    // Entra ID takes the client secret in the form body (client_secret_post).
    { displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
    ...azureResourceProperties,
  ];
}
