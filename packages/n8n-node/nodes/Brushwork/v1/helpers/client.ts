/** Builds the core client for one execution: provider config from the credential, n8n transport and sleep. */
import {
  createImageClient,
  type ImageClient,
  type ProviderConfig,
  type Sleep,
  type TokenSource,
} from '@brushwork/core';
import type { ICredentialDataDecryptedObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { CREDENTIAL_PLACEHOLDER, createN8nTransport, type RequestContext } from '../transport';
import { entraTokenFailure, n8nOAuth2TokenSource } from '../transport/entra';

/**
 * The node's Provider field. Azure with Microsoft Entra ID is a provider of its own, not an
 * Authentication field under Azure: n8n's editor hides every field a node's credentials depend on as
 * soon as one of them (a field named `authentication`, or one whose every option selects a credential)
 * is the node's "main auth field", and Provider (with its Offline Sandbox, which needs no credential)
 * must stay visible.
 */
export type ProviderChoice = 'openai' | 'azure' | 'azureEntraId' | 'sandbox';

export const CREDENTIAL_TYPES: Record<Exclude<ProviderChoice, 'sandbox'>, string> = {
  openai: 'brushworkOpenAiApi',
  azure: 'brushworkAzureOpenAiApi',
  azureEntraId: 'brushworkAzureEntraOAuth2Api',
};

/** Azure OpenAI, with an API key or with Entra ID. */
export function isAzure(choice: ProviderChoice): choice is 'azure' | 'azureEntraId' {
  return choice === 'azure' || choice === 'azureEntraId';
}

/** A node parameter in either context (execution: per item; list search: the node's current value). */
function parameter(context: RequestContext, name: string, itemIndex: number | undefined, fallback: string): string {
  const value =
    'getInputData' in context
      ? context.getNodeParameter(name, itemIndex ?? 0, fallback)
      : context.getNodeParameter(name, fallback);
  return typeof value === 'string' ? value : fallback;
}

export interface ClientSettings {
  maxRetries?: number;
  timeoutMs?: number;
  /** n8n-workflow's sleep (createN8nSleep): community nodes may not use timers themselves. */
  sleep: Sleep;
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * The core's provider config. The API key or token stays with n8n: the core gets a placeholder that
 * the transport drops, and n8n's credential signs the request. With Entra ID, `tokenSource` is the
 * credential's (n8nOAuth2TokenSource): it gives the placeholder and has n8n fetch a new token after a 401.
 */
export function providerConfig(
  choice: ProviderChoice,
  credentials: ICredentialDataDecryptedObject | undefined,
  deployment?: string,
  tokenSource?: TokenSource,
): ProviderConfig {
  if (choice === 'sandbox') return { kind: 'sandbox' };
  if (isAzure(choice)) {
    const config: ProviderConfig = {
      kind: 'azure',
      endpoint: text(credentials?.endpoint) ?? '',
      ...(tokenSource ? { tokenSource } : { apiKey: CREDENTIAL_PLACEHOLDER }),
      api: credentials?.api === 'v1' ? 'v1' : 'deployment',
    };
    const apiVersion = text(credentials?.apiVersion);
    if (apiVersion) config.apiVersion = apiVersion;
    const name = text(deployment);
    if (name) config.deployment = name;
    return config;
  }
  const baseUrl = text(credentials?.url);
  return { kind: 'openai', apiKey: CREDENTIAL_PLACEHOLDER, ...(baseUrl ? { baseUrl } : {}) };
}

/** A client for the provider chosen on the node; `itemIndex` picks the item's credential and deployment. */
export async function clientFor(
  context: IExecuteFunctions | ILoadOptionsFunctions,
  choice: ProviderChoice,
  settings: ClientSettings,
  itemIndex?: number,
): Promise<ImageClient> {
  if (choice === 'sandbox') {
    return createImageClient({ provider: { kind: 'sandbox' }, ...settings });
  }
  const entraId = choice === 'azureEntraId';
  const credentialType = CREDENTIAL_TYPES[choice];
  const credentials = await context.getCredentials(credentialType, itemIndex);
  const deployment = isAzure(choice) ? parameter(context, 'deployment', itemIndex, '') || undefined : undefined;
  const tokenSource = entraId ? n8nOAuth2TokenSource(context, credentialType) : undefined;
  return createImageClient({
    provider: providerConfig(choice, credentials, deployment, tokenSource),
    transport: createN8nTransport(context, credentialType, entraId ? { authFailure: entraTokenFailure } : {}),
    ...settings,
  });
}
