import type {
  EditRequest,
  ImageRequest,
  ModelFamily,
  ModelInfo,
  Problem,
  ProviderKind,
  TokenSource,
  Transport,
} from '../types.js';
import type { BuildContext, WireRequest } from './encode.js';

/**
 * A provider bound to its configuration: data plus pure request builders. The client knows nothing
 * of URLs, headers or auth schemes; adding a host is a new provider, not an `if` in the client.
 */
export interface Provider {
  readonly kind: ProviderKind;
  /**
   * True when a request that names no model gets DEFAULT_MODEL (the client fills it in, the one place
   * the default is applied); false when the host picks the model (an Azure deployment).
   */
  readonly fillsDefaultModel: boolean;
  /** Configuration problems (missing key, deployment, api-version), reported before any call. */
  configProblems(): Problem[];
  /** Problems only known per request (e.g. Azure v1 without a deployment or model). */
  requestProblems?: (request: ImageRequest) => Problem[];
  /** The family whose rules apply to this request; undefined = unknown model, the server judges. */
  familyFor(request: ImageRequest): ModelFamily | undefined;
  /** The model (or deployment) reported in results. */
  resultModel(request: ImageRequest): string;
  /** A host that answers in process (the sandbox): used instead of any transport the caller passes. */
  transport?: Transport;
  /** Bearer tokens (Azure with Entra ID): the client asks for one per attempt, a new one once after a 401. */
  tokenSource?: TokenSource;
  /** The request carrying a token from `tokenSource` (the provider knows the header and scheme). */
  withToken?: (wire: WireRequest, token: string) => WireRequest;
  buildGenerate(request: ImageRequest, ctx?: BuildContext): WireRequest;
  buildEdit(request: EditRequest, ctx?: BuildContext): WireRequest;
  /** GET /models; absent when the host cannot list (then `configuredModels` answers). */
  buildListModels?: (ctx?: BuildContext) => WireRequest;
  configuredModels?: () => ModelInfo[];
}
