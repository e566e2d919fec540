/**
 * errors/: the error types, turning a failed response or a thrown failure into one ImageError
 * (classify-response.ts as an ordered rule table, classify-failure.ts), the retry decision, and the
 * one secret redactor. May import: types, models/ (retirements, default model), request/field-names,
 * util/. Pure, no I/O.
 */
export * from './image-error.js';
export { classifyResponse, type ResponseToClassify } from './classify-response.js';
export { classifyFailure } from './classify-failure.js';
export { errorChain, type ErrorLink } from './cause-chain.js';
export { NETWORK_CODES } from './codes.js';
export { describeBody, firedFilters, readBody, type BodyKind, type ReadBody } from './error-body.js';
export { lowerCaseHeaders, parseRetryAfter, readRequestId, shouldRetryHeader } from './http-headers.js';
export { redactSecrets, REDACTED, MIN_SECRET_FRAGMENT } from './redact.js';
export * from './retry.js';
