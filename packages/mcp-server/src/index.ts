export * from './config.js';
export * from './server.js';
export {
  startHttpServer,
  isAllowedHost,
  isAllowedOrigin,
  hasBearerToken,
  MCP_PATH,
  type HttpServerHandle,
} from './http.js';
export { imageOutputShape, type ImageOutput } from './results.js';
export { listModelsOutputShape } from './tools/list-models.js';
export { estimateOutputShape } from './tools/estimate-cost.js';
export {
  createSpendGuard,
  LEDGER_FILE,
  type LedgerLine,
  loadPrices,
  parseSpendConfig,
  type SpendConfig,
  type SpendGuard,
} from './spend/index.js';
