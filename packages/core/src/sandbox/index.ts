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
