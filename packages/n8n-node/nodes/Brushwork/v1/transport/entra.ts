/**
 * Microsoft Entra ID through n8n's OAuth2 credential (BrushworkAzureEntraOAuth2Api, client credentials).
 *
 * n8n owns the token: its OAuth2 support fetches one for the credential's first call, signs every call
 * with it and stores it with the credential, so every queue-mode worker uses the same token. What n8n
 * does not do for a node that reads statuses itself (`ignoreHttpStatusErrors`) is react to a 401: the
 * core does, asking its token source for a new token once, and this source has n8n fetch and store one
 * (`refreshOAuth2Token`) before the core sends the call again. The token never passes through
 * Brushwork code: the core only sees the placeholder, which the transport drops.
 *
 * Token requests Entra ID refuses (wrong tenant, unknown client, bad secret) reach the node as n8n's
 * OAuth2 errors; `entraTokenFailure` turns them into the core's error naming the credential field to fix.
 */
import {
  type EntraSettingNames,
  entraTokenRefusal,
  errorChain,
  type ImageError,
  isRecord,
  type TokenSource,
} from '@brushwork/core';
import { CREDENTIAL_PLACEHOLDER, type RequestContext, toTransportError } from './index';

/** The credential's field labels, as the core's messages name the setting to fix. */
export const ENTRA_FIELD_NAMES: EntraSettingNames = {
  tenantId: 'Tenant ID',
  clientId: 'Client ID',
  clientSecret: 'Client Secret',
  authorityHost: 'Authority Host',
};

/**
 * The core error for an Entra ID token request that n8n's OAuth2 client saw refused, or undefined when
 * `error` is something else. The refusal is the OAuth2 error body (error, error_description,
 * error_codes) somewhere in the cause chain n8n wraps it in.
 */
export function entraTokenFailure(error: unknown): ImageError | undefined {
  for (const { value } of errorChain(error, 8)) {
    if (!isRecord(value)) continue;
    const body = value['body'];
    const status = typeof value['status'] === 'number' ? value['status'] : undefined;
    if (isRecord(body) && (typeof body['error'] === 'string' || Array.isArray(body['error_codes']))) {
      return entraTokenRefusal({ status, body }, ENTRA_FIELD_NAMES);
    }
    // An answer that was not an OAuth2 error body (an HTML error page, a 404): status and text.
    if (status !== undefined && typeof body === 'string') return entraTokenRefusal({ status, body }, ENTRA_FIELD_NAMES);
  }
  return undefined;
}

/** The core's token source for an n8n OAuth2 credential: the placeholder, and a new n8n token after a 401. */
export function n8nOAuth2TokenSource(context: RequestContext, credentialType: string): TokenSource {
  return {
    async getToken({ rejected } = {}) {
      if (rejected !== undefined) {
        try {
          await context.helpers.refreshOAuth2Token.call(context, credentialType);
        } catch (error) {
          throw entraTokenFailure(error) ?? toTransportError(error);
        }
      }
      return { token: CREDENTIAL_PLACEHOLDER, expiresAt: Number.POSITIVE_INFINITY };
    },
  };
}
