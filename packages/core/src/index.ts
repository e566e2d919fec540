export * from './types.js';
export * from './errors/image-error.js';
export * from './image/file-name.js';
export * from './models/families.js';
export * from './request/validate.js';
export * from './errors/classify.js';
export * from './errors/retry.js';
export {
  createImageClient,
  readModelList,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_DOWNLOAD_BYTES,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
} from './client/create-client.js';
export * from './providers/index.js';
export { createFetchTransport, type FetchTransportOptions } from './transport/fetch.js';
export { timerSleep } from './transport/sleep.js';
export { encodeMultipart, randomBoundary, type MultipartPart, type EncodedMultipart } from './providers/multipart.js';
export { createSseParser, parseSseStream, type SseEvent, type SseParser } from './receive/sse.js';
export { decodeBase64, encodeBase64 } from './receive/base64.js';
export { BodyCollector, declaredBodyLength, readWholeBody, releaseBytes } from './receive/body.js';
export { planCalls, runBounded, type PlannedCall } from './request/fanout.js';
export * from './image/index.js';
export * from './sandbox/index.js';
