/** Builds the core client for one execution: provider config from the credential, n8n transport and sleep. */
import { createImageClient, type ImageClient, type ProviderConfig, type Sleep } from '@brushwork/core';
import type { ICredentialDataDecryptedObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { CREDENTIAL_PLACEHOLDER, createN8nTransport } from '../transport';

export type ProviderChoice = 'openai' | 'azure' | 'sandbox';

export const CREDENTIAL_TYPES: Record<Exclude<ProviderChoice, 'sandbox'>, string> = {
  openai: 'brushworkOpenAiApi',
  azure: 'brushworkAzureOpenAiApi',
};

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
 * The core's provider config. The API key stays with n8n: the core gets a placeholder that the
 * transport drops, and n8n's credential signs the request.
 */
export function providerConfig(
  choice: ProviderChoice,
  credentials: ICredentialDataDecryptedObject | undefined,
  deployment?: string,
): ProviderConfig {
  if (choice === 'sandbox') return { kind: 'sandbox' };
  if (choice === 'azure') {
    const config: ProviderConfig = {
      kind: 'azure',
      endpoint: text(credentials?.endpoint) ?? '',
      apiKey: CREDENTIAL_PLACEHOLDER,
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
  const credentialType = CREDENTIAL_TYPES[choice];
  const credentials = await context.getCredentials(credentialType, itemIndex);
  const deployment =
    choice === 'azure'
      ? (context.getNodeParameter('deployment', itemIndex ?? 0, '') as string) || undefined
      : undefined;
  return createImageClient({
    provider: providerConfig(choice, credentials, deployment),
    transport: createN8nTransport(context, credentialType),
    ...settings,
  });
}
