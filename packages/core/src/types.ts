/**
 * The contracts every part of Brushwork speaks. Consumers (the n8n node, the MCP server) build an
 * `ImageRequest`, hand it to a client made with a `ProviderConfig` and a `Transport`, and get back an
 * `ImageResult`. Nothing in here does I/O.
 */

// ───────────────────────────── requests ─────────────────────────────

// Inferred from the zod schema (request/schema.ts), the one place the request shape is written.
import type {
  Background,
  EditRequest,
  ImageRequest,
  Moderation,
  OutputFormat,
  ResponseFormat,
} from './request/schema.js';
export type {
  Background,
  EditRequest,
  ImageRequest,
  ImageSize,
  InputFidelity,
  InputImage,
  Moderation,
  OutputFormat,
  ResponseFormat,
} from './request/schema.js';

// ───────────────────────────── model rules ─────────────────────────────

export type FamilyId = 'dall-e-2' | 'dall-e-3' | 'gpt-image' | 'gpt-image-2';

export type SizeRule =
  | { kind: 'list'; values: readonly string[] }
  | {
      kind: 'free';
      /** Both sides must be multiples of this. */
      multipleOf: number;
      /** Longest side / shortest side must not exceed this. */
      maxAspectRatio: number;
      maxWidth: number;
      maxHeight: number;
      /** Sizes with more pixels than this one are accepted but flagged experimental (a warning). */
      experimentalAbove?: { width: number; height: number };
      /** Sizes always offered in pickers (UI lists, tool descriptions). */
      suggested: readonly string[];
      allowAuto: boolean;
    };

export interface ModelFamily {
  id: FamilyId;
  label: string;
  /** Model ids this family matches by prefix, longest match wins. */
  prefixes: readonly string[];
  maxPromptLength: number;
  maxN: number;
  /** Images one HTTP call may return: n above it is fanned out over several calls. */
  maxImagesPerCall: number;
  sizes: SizeRule;
  qualities: readonly string[];
  styles: readonly string[];
  responseFormats: readonly ResponseFormat[];
  backgrounds: readonly Background[];
  moderations: readonly Moderation[];
  outputFormats: readonly OutputFormat[];
  supportsOutputCompression: boolean;
  supportsStreaming: boolean;
  maxPartialImages: number;
  supportsEdit: boolean;
  maxEditImages: number;
  supportsInputFidelity: boolean;
  defaults: {
    size: string;
    quality?: string;
    style?: string;
    responseFormat?: ResponseFormat;
    outputFormat: OutputFormat;
  };
}

export interface ModelRetirement {
  model: string;
  /** Where it is gone, e.g. "OpenAI (May 2026)". */
  retiredOn: string;
  replacement: string;
}

/** One problem with a request: names the field, the offending value and what would be accepted. */
export interface Problem {
  field: string;
  value?: unknown;
  message: string;
  allowed?: readonly string[];
}

// ───────────────────────────── providers ─────────────────────────────

export type ProviderKind = 'openai' | 'azure' | 'sandbox';

export interface OpenAIProviderConfig {
  kind: 'openai';
  apiKey: string;
  /** Default https://api.openai.com/v1; any OpenAI-compatible host with bearer auth works here too. */
  baseUrl?: string;
  organization?: string;
  project?: string;
}

export interface AzureProviderConfig {
  kind: 'azure';
  /** https://RESOURCE.openai.azure.com */
  endpoint: string;
  /** Required on the deployment path; on the v1 path it is sent as `model`. */
  deployment?: string;
  /** Deployment path: required (e.g. 2025-04-01-preview). v1 path: optional (e.g. "preview"). */
  apiVersion?: string;
  /** 'deployment' (default): /openai/deployments/{d}/images/...; 'v1': /openai/v1/images/... */
  api?: 'deployment' | 'v1';
  /** Sent as the `api-key` header. */
  apiKey?: string;
  /**
   * Microsoft Entra ID (keyless): each call carries `Authorization: Bearer` with a token from here
   * instead of an `api-key`; on a 401 the client asks for a new one once and sends that call again.
   * `staticTokenSource` (a token the operator refreshes) or `createEntraTokenSource` (client credentials).
   */
  tokenSource?: TokenSource;
}

/** An access token and when it stops being accepted (ms since epoch). */
export interface AccessToken {
  token: string;
  expiresAt: number;
}

export interface TokenSourceOptions {
  signal?: AbortSignal;
  /** The token a 401 just refused: a new one is fetched unless that one was already replaced. */
  rejected?: string;
}

/** Where an Azure provider gets its bearer tokens. Errors are ImageErrors with no secret in them. */
export interface TokenSource {
  getToken(options?: TokenSourceOptions): Promise<AccessToken>;
}

export interface SandboxProviderConfig {
  kind: 'sandbox';
}

export type ProviderConfig = OpenAIProviderConfig | AzureProviderConfig | SandboxProviderConfig;

// ───────────────────────────── transport ─────────────────────────────

/** A complete HTTP request, built by a provider. Bodies are already encoded (JSON text or multipart bytes). */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Header names lower-case. */
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Per-attempt timeout. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Abort with kind 'bad_response' when the body grows past this. */
  maxResponseBytes?: number;
  /** Ask for the body as a stream (SSE). Transports that cannot stream may still return `body`. */
  stream?: boolean;
  /**
   * Hand the body over as `chunks` whatever its type, so the caller reads it as it arrives (images
   * answers are decoded on the way: receive/decode-stream.ts). Transports that cannot may return `body`.
   */
  streamBody?: boolean;
}

export interface HttpResponse {
  status: number;
  /** Header names lower-case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The whole body, unless the transport streams. */
  body?: Uint8Array;
  /** Streamed body (only when the request asked for `stream` or `streamBody`). */
  chunks?: AsyncIterable<Uint8Array>;
}

/**
 * Sends one request. Must not retry, must not follow the status (any status is a response), and on
 * failure must throw a `TransportError` (see errors.ts) with kind 'timeout' | 'network' | 'cancelled'
 * | 'bad_response'.
 */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

/** Resolves after `ms`, rejects at once when the signal aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

// ───────────────────────────── results ─────────────────────────────

export type ImageMimeType = 'image/png' | 'image/jpeg' | 'image/webp';

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  inputTextTokens?: number;
  inputImageTokens?: number;
}

export interface GeneratedImage {
  /** Position in the whole request (0-based), stable across fan-out. */
  index: number;
  bytes: Uint8Array;
  mimeType: ImageMimeType;
  /** png | jpg | webp */
  extension: string;
  width: number;
  height: number;
  revisedPrompt?: string;
  /** Azure per-image content filter results, as sent. */
  contentFilterResults?: Record<string, unknown>;
  /**
   * Set when the call had an image sink (`CallOptions.imageSink`): the bytes went to this writer as
   * they were decoded and `bytes` is empty.
   */
  sunk?: SunkImage;
}

/**
 * Where a call's images go as they are decoded, instead of being held in memory (I/O at the edge: the
 * MCP server writes each one to a file). The client opens one writer per image, writes its bytes in
 * order and closes it when the image is complete; it aborts every writer whose image does not end up
 * in the result (an error mid-stream, a retry, cancellation, an extra image dropped).
 */
export interface ImageSink {
  open(): Promise<ImageWriter>;
}

export interface ImageWriter {
  /** The next decoded bytes. The array may be reused once the promise settles: copy what is kept. */
  write(bytes: Uint8Array): Promise<void>;
  /** Every byte of the image was written. */
  close(): Promise<void>;
  /** The image will not be delivered: drop what was written (also after close). Never throws. */
  abort(): Promise<void>;
}

/** An image handed to an image sink: its writer (closed) and how many bytes it received. */
export interface SunkImage {
  writer: ImageWriter;
  byteLength: number;
}

export interface ImageResult {
  created: number;
  /** The model asked for (or the Azure deployment). */
  model: string;
  provider: ProviderKind;
  /** x-request-id / apim-request-id of each call that answered. */
  requestIds: string[];
  usage?: Usage;
  images: GeneratedImage[];
  /** Calls that failed while others succeeded (fan-out). Empty when everything succeeded. */
  errors: import('./errors/image-error.js').ImageError[];
  /** Settings that were dropped or adjusted, in words a user understands. */
  warnings: string[];
  /** Azure prompt filter results, as sent. */
  promptFilterResults?: unknown;
  /** True when the offline sandbox produced the images. */
  sandbox: boolean;
}

export type ProgressEvent =
  | { type: 'request'; call: number; attempt: number }
  | { type: 'retry'; call: number; attempt: number; delayMs: number; reason: string }
  | { type: 'partial_image'; call: number; index: number; partialIndex: number; bytes: Uint8Array }
  | { type: 'download'; call: number; index: number }
  | { type: 'image'; index: number };

export interface ModelInfo {
  id: string;
  ownedBy?: string;
  created?: number;
  family?: FamilyId;
}

// ───────────────────────────── client ─────────────────────────────

export interface ClientOptions {
  provider: ProviderConfig;
  /**
   * Required for every provider but the sandbox (which answers in process). `@brushwork/core/node`
   * defaults it to a fetch transport.
   */
  transport?: Transport;
  /** Waits between retries. n8n injects n8n-workflow's `sleep`; `@brushwork/core/node` defaults to timers. */
  sleep: Sleep;
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** Per-attempt timeout in ms. Default 600 000 (10 minutes). */
  timeoutMs?: number;
  /** Fan-out calls in flight at once for one request. Default 4. */
  concurrency?: number;
  /** Cap on one downloaded (URL) image. Default 64 MiB. */
  maxDownloadBytes?: number;
  /** Cap on one API response body. Default 256 MiB. */
  maxResponseBytes?: number;
  /** Jitter source, injectable for deterministic tests. Default Math.random. */
  random?: () => number;
  /** Clock in ms, injectable for tests. Default Date.now. */
  now?: () => number;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Where images go as they are decoded (see ImageSink); without one they are held in memory, in
   * `GeneratedImage.bytes`.
   */
  imageSink?: ImageSink;
}

export interface ImageClient {
  readonly provider: ProviderKind;
  /** Validates, fans out, retries, downloads. Throws ImageError when no image could be produced. */
  generate(request: ImageRequest, options?: CallOptions): Promise<ImageResult>;
  edit(request: EditRequest, options?: CallOptions): Promise<ImageResult>;
  /** Image models the configured credentials can use (GET /models, filtered to image families). */
  listModels(options?: CallOptions): Promise<ModelInfo[]>;
}
