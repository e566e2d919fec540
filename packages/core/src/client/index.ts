/**
 * client/: the image client. Validates (request/), plans the fan-out, sends each call through the
 * injected transport with retries (errors/), reads the answers (receive/) and merges them into one
 * ImageResult. The only folder that ties the stages together; may import every other folder but
 * transport/ (the caller, or @brushwork/core/node, chooses the transport and the sleep).
 */
export { createImageClient } from './create-client.js';
export { readModelList } from './model-list.js';
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_DOWNLOAD_BYTES,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
} from './settings.js';
