/**
 * A stand-in for n8n's IExecuteFunctions / ILoadOptionsFunctions: parameters per item, input items with
 * binaries, credentials, Continue On Fail, and the request helpers answered by a test `Responder`
 * (every call is recorded). Binary data is kept as base64, as n8n does in memory.
 */
import { createSandboxTransport, encodeBase64, encodePng, type HttpRequest } from '@brushwork/core';
import {
  type IBinaryData,
  type ICredentialDataDecryptedObject,
  type IExecuteFunctions,
  type IHttpRequestOptions,
  type ILoadOptionsFunctions,
  type IN8nHttpFullResponse,
  type INode,
  type INodeExecutionData,
  NodeOperationError,
} from 'n8n-workflow';

export interface HttpCall {
  /** Set for httpRequestWithAuthentication, undefined for plain httpRequest. */
  credentialType?: string;
  options: IHttpRequestOptions;
}

export type Responder = (call: HttpCall) => Promise<IN8nHttpFullResponse> | IN8nHttpFullResponse;

export interface ContextSetup {
  parameters: Record<string, unknown>;
  /** Per-item overrides: return undefined to fall back to `parameters`. */
  perItem?: (name: string, itemIndex: number) => unknown;
  items?: INodeExecutionData[];
  continueOnFail?: boolean;
  credentials?: Record<string, ICredentialDataDecryptedObject>;
  respond?: Responder;
  /** n8n fetching a new OAuth2 token for the credential (`helpers.refreshOAuth2Token`); throw to refuse. */
  refreshToken?: (credentialType: string) => unknown;
  cancelSignal?: AbortSignal;
}

export const NODE: INode = {
  id: 'node-1',
  name: 'Brushwork',
  type: 'n8n-nodes-brushwork.brushwork',
  typeVersion: 1,
  position: [0, 0],
  parameters: {},
};

/** A made-up key for tests (never a real one); tests assert it never leaves n8n's credential. */
export function fakeKey(name: string): string {
  return `fake-${name}-key-0123456789`;
}

export const OPENAI_CREDENTIALS: ICredentialDataDecryptedObject = {
  apiKey: fakeKey('openai'),
  url: 'https://api.example.test/v1',
  organizationId: '',
  projectId: '',
};

export const AZURE_CREDENTIALS: ICredentialDataDecryptedObject = {
  apiKey: fakeKey('azure'),
  endpoint: 'https://unit.openai.azure.example.test',
  apiVersion: '2025-04-01-preview',
  api: 'deployment',
};

function extension(fileName: string | undefined): string | undefined {
  const match = /\.([a-z0-9]+)$/i.exec(fileName ?? '');
  return match?.[1]?.toLowerCase();
}

export function binaryOf(bytes: Uint8Array, fileName: string, mimeType: string): IBinaryData {
  return {
    data: Buffer.from(bytes).toString('base64'),
    mimeType,
    fileName,
    fileExtension: extension(fileName),
    fileSize: String(bytes.length),
  };
}

export function createContext(setup: ContextSetup) {
  const calls: HttpCall[] = [];
  /** Credential types n8n was asked to fetch a new OAuth2 token for, in order. */
  const refreshes: string[] = [];
  const items: INodeExecutionData[] = setup.items ?? [{ json: {} }];
  const respond: Responder =
    setup.respond ??
    (() => {
      throw new Error('No HTTP expected in this test');
    });

  const getNodeParameter = (name: string, itemIndex: number, ...rest: unknown[]): unknown => {
    const [fallback, options] = rest as [unknown, { extractValue?: boolean } | undefined];
    let value = setup.perItem?.(name, itemIndex);
    if (value === undefined) value = setup.parameters[name];
    if (value === undefined) {
      if (rest.length >= 1) return fallback;
      throw new Error(`Could not get parameter "${name}"`);
    }
    if (options?.extractValue && value && typeof value === 'object' && '__rl' in value) {
      return (value as unknown as { value: unknown }).value;
    }
    return value;
  };

  const binaryData = (itemIndex: number, property: string): IBinaryData => {
    const binary = items[itemIndex]?.binary?.[property];
    if (!binary) {
      throw new NodeOperationError(
        NODE,
        `This operation expects the node's input data to contain a binary file '${property}', but none was found [item ${itemIndex}]`,
        {
          itemIndex,
        },
      );
    }
    return binary;
  };

  const helpers = {
    async httpRequestWithAuthentication(credentialType: string, options: IHttpRequestOptions) {
      const call = { credentialType, options };
      calls.push(call);
      return await respond(call);
    },
    async httpRequest(options: IHttpRequestOptions) {
      const call = { options };
      calls.push(call);
      return await respond(call);
    },
    async refreshOAuth2Token(credentialType: string) {
      refreshes.push(credentialType);
      return await setup.refreshToken?.(credentialType);
    },
    async prepareBinaryData(buffer: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> {
      return binaryOf(new Uint8Array(buffer), fileName ?? 'file', mimeType ?? 'application/octet-stream');
    },
    assertBinaryData: (itemIndex: number, property: string) => binaryData(itemIndex, property),
    async getBinaryDataBuffer(itemIndex: number, property: string) {
      return Buffer.from(binaryData(itemIndex, property).data, 'base64');
    },
  };

  const context = {
    getInputData: () => items,
    getNodeParameter,
    getNode: () => NODE,
    continueOnFail: () => setup.continueOnFail ?? false,
    async getCredentials(type: string) {
      const credentials = setup.credentials?.[type];
      if (!credentials) throw new NodeOperationError(NODE, `Node does not have credentials of type "${type}"`);
      return credentials;
    },
    getExecutionCancelSignal: () => setup.cancelSignal,
    helpers,
  };
  return {
    context: context as unknown as IExecuteFunctions,
    loadOptionsContext: context as unknown as ILoadOptionsFunctions,
    calls,
    refreshes,
  };
}

/** The request the core built, as the HTTP helper received it. */
export function toHttpRequest(options: IHttpRequestOptions): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = String(value);
  const body = options.body;
  return {
    method: (options.method ?? 'GET') as HttpRequest['method'],
    url: options.url,
    headers,
    body: typeof body === 'string' ? body : body instanceof Uint8Array ? new Uint8Array(body) : undefined,
    timeoutMs: options.timeout ?? 0,
  };
}

/** A responder backed by the core's in-process sandbox, answering the OpenAI wire format at `baseUrl`. */
export function sandboxResponder(baseUrl: string, now = () => Date.UTC(2026, 7, 1, 14, 23, 5)): Responder {
  const transport = createSandboxTransport({ baseUrl, now });
  return async ({ options }) => {
    const response = await transport(toHttpRequest(options));
    return { statusCode: response.status, headers: response.headers, body: Buffer.from(response.body ?? []) };
  };
}

export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): IN8nHttpFullResponse {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(value)),
  };
}

/** The decoded bytes of an output item's binary. */
export function bytesOf(item: INodeExecutionData, property = 'data'): Uint8Array {
  const binary = item.binary?.[property];
  if (!binary) throw new Error(`no binary "${property}" on the item`);
  return new Uint8Array(Buffer.from(binary.data, 'base64'));
}

/** JSON body the core sent. */
export function jsonBody(call: HttpCall): Record<string, unknown> {
  return JSON.parse(String(call.options.body)) as Record<string, unknown>;
}

/** Resolves after every queued microtask ran (no timers: community nodes and their tests avoid them). */
export async function settle(rounds = 200): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** A solid PNG of the given size, base64 (what the API sends as b64_json). */
export function pngBase64(width: number, height: number): string {
  const data = new Uint8Array(width * height * 4).fill(200);
  return encodeBase64(encodePng({ width, height, data }));
}
