/**
 * `@brushwork/core`: what the n8n node and the MCP server use, and little more. Subpaths:
 * `@brushwork/core/node` (the client with a fetch transport and a timer sleep wired in) and
 * `@brushwork/core/got` (a got transport).
 */

// Contracts: requests, results, providers, transport, client.
export type * from './types.js';
export {
  BACKGROUNDS,
  INPUT_FIDELITIES,
  MAX_N,
  MAX_OUTPUT_COMPRESSION,
  MAX_PARTIAL_IMAGES,
  MODERATIONS,
  OUTPUT_FORMATS,
  RESPONSE_FORMATS,
} from './request/schema.js';

// The client.
export { createImageClient } from './client/index.js';
export { DEFAULT_MAX_RETRIES } from './errors/retry.js';

// Microsoft Entra ID (keyless Azure): a static token or the client-credentials flow.
export {
  AZURE_OPENAI_SCOPE,
  createEntraTokenSource,
  ENTRA_AUTHORITY_HOST,
  type EntraClientCredentials,
  type EntraSettingNames,
  entraTokenRefusal,
  staticTokenSource,
} from './auth/index.js';

// Model rules and their words.
export {
  allowedValues,
  DEFAULT_MODEL,
  describeSizes,
  FAMILIES,
  FAMILY_VARIANTS,
  type FamilyField,
  familyById,
  listText,
  resolveFamily,
  retirementOf,
  supportsField,
} from './models/index.js';

// Requests: validation ahead of a call, field names on the wire.
export { invalidRequestError, validateEdit, validateGenerate } from './request/validate.js';
export { toWireName, toWireNames } from './request/field-names.js';
export { runBounded } from './request/fanout.js';

// Errors.
export {
  cancelledTransportError,
  ImageError,
  type ImageErrorKind,
  responseTooLarge,
  TransportError,
} from './errors/image-error.js';
export { errorChain, lowerCaseHeaders, NETWORK_CODES, redactSecrets } from './errors/index.js';

// Bytes in and out.
export { readWholeBody } from './receive/body.js';
export { releaseBytes } from './receive/memory.js';
export { encodeBase64 } from './receive/base64.js';
export { imageFileName, normalizeExtension } from './image/file-name.js';
export { encodePng, imageTypeName, readImageSize, sniffImageType } from './image/index.js';
export { waitText } from './util/text.js';
export { isRecord } from './util/values.js';

// The offline sandbox.
export { createSandboxTransport, multipartBoundary, parseMultipart } from './sandbox/index.js';

// Cost: prices, estimates before a call, cost from usage, caps; provenance of received images.
export * from './cost/index.js';
export { detectProvenance, type Provenance, ProvenanceScanner } from './image/provenance.js';
