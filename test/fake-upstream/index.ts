// Public entry of the fake upstream (test code; independent of @brushwork/core).
export {
  DEFAULT_AZURE_DEPLOYMENTS,
  DEFAULT_MODELS,
  FAULT_KINDS,
  ROUTES,
  startFakeUpstream,
  type FakeUpstream,
  type FakeUpstreamConfig,
  type FakeUpstreamOptions,
  type FaultKind,
  type FaultSpec,
  type ImageKind,
  type LoggedFile,
  type RateLimitSettings,
  type RequestLogEntry,
  type RouteName,
  type SafetyShape,
} from './server.ts';
export { DEFAULT_ENTRA, ENTRA_SCOPE, type EntraSettings } from './entra.ts';
export { connectFakeUpstream, type FakeUpstreamRemote } from './control-client.ts';
export { FAKE_FAMILIES, familyOfModel, type FakeFamily } from './rules.ts';
