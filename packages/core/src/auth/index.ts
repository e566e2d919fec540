/**
 * auth/: credentials obtained at run time, today Microsoft Entra ID tokens for Azure OpenAI (a static
 * token, or the client-credentials flow over the injected transport). May import: types, errors/,
 * receive/body, providers/encode (URL trimming), util/. Never imports client/.
 */
export {
  AZURE_OPENAI_SCOPE,
  createEntraTokenSource,
  DEFAULT_REFRESH_MARGIN_MS,
  ENTRA_AUTHORITY_HOST,
  type EntraClientCredentials,
  type EntraSettingNames,
  entraTokenRefusal,
  entraTokenUrl,
  staticTokenSource,
} from './entra.js';
