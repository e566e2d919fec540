/**
 * sandbox/: the offline upstream. An in-process Transport that answers the OpenAI Images wire format
 * (generations, edits, models, URL downloads) with real images rendered offline; validation is the
 * core's own (request/), errors come back in the API's JSON shape (`api-shapes.ts`). May import
 * `types.ts`, `models/`, `request/`, `image/`, `receive/`, `errors/`. No network, no timers.
 */
export {
  createSandboxTransport,
  SANDBOX_BASE_URL,
  type SandboxTransportOptions,
  sandboxTransport,
} from './transport.js';
export {
  renderSandboxImage,
  renderSandboxRaster,
  SANDBOX_MARK,
  SANDBOX_MAX_SIDE,
  type SandboxRenderOptions,
} from './render.js';
export { multipartBoundary, type ParsedPart, parseMultipart } from './multipart-parse.js';
