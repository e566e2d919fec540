import type { EditRequest, ImageRequest, ModelFamily, ModelInfo, Problem, ProviderKind } from '../types.js';
import type { BuildContext, WireRequest } from './encode.js';

/**
 * A provider bound to its configuration: data plus pure request builders. The client knows nothing
 * of URLs, headers or auth schemes; adding a host is a new file in providers/, not an `if` in the client.
 */
export interface Provider {
  readonly kind: ProviderKind;
  /** Model sent when the request names none (undefined: the provider picks, e.g. an Azure deployment). */
  readonly defaultModel?: string;
  /** Configuration problems (missing key, deployment, api-version), reported before any call. */
  configProblems(): Problem[];
  /** Problems only known per request (e.g. Azure v1 without a deployment or model). */
  requestProblems?: (request: ImageRequest) => Problem[];
  /** The family whose rules apply to this request; undefined = unknown model, the server judges. */
  familyFor(request: ImageRequest): ModelFamily | undefined;
  /** The model (or deployment) reported in results. */
  resultModel(request: ImageRequest): string;
  /** Present when the provider authenticates with a bearer token fetched per attempt (Entra ID). */
  token?: (signal?: AbortSignal) => Promise<string>;
  buildGenerate(request: ImageRequest, ctx?: BuildContext): WireRequest;
  /** Absent when the provider cannot edit. */
  buildEdit?: (request: EditRequest, ctx?: BuildContext) => WireRequest;
  /** GET /models; absent when the host cannot list (then `configuredModels` answers). */
  buildListModels?: (ctx?: BuildContext) => WireRequest;
  configuredModels?: () => ModelInfo[];
  /** Asynchronous providers (submit, then poll an operation URL). */
  operation?: {
    buildPoll(url: string, ctx?: BuildContext): WireRequest;
    /** Upper bound on the whole submit-and-poll wait. */
    maxPollMs: number;
    /** Only poll URLs on the configured endpoint's origin: credentials are sent along. */
    isTrustedUrl(url: string): boolean;
  };
}
