export * from './types.js';
export * from './errors.js';
export * from './naming.js';
export * from './models.js';
export * from './validate.js';
export * from './classify.js';
export * from './retry.js';
export {
  createImageClient,
  readModelList,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_DOWNLOAD_BYTES,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
} from './client.js';
export * from './providers/index.js';
export { createFetchTransport, type FetchTransportOptions } from './transport/fetch.js';
export { timerSleep } from './sleep.js';
export { encodeMultipart, randomBoundary, type MultipartPart, type EncodedMultipart } from './multipart.js';
export { createSseParser, parseSseStream, type SseEvent, type SseParser } from './sse.js';
export { decodeBase64, encodeBase64 } from './base64.js';
export { BodyCollector, declaredBodyLength, readWholeBody, releaseBytes } from './body.js';
export { planCalls, runBounded, type PlannedCall } from './fanout.js';
export * from './image/index.js';
export * from './sandbox/index.js';
export * from './cost/index.js';
export { detectProvenance, type Provenance } from './provenance/detect.js';
