// Build-time replacement for the core's timer sleep and fetch transport in the n8n bundle. The node always
// injects n8n-workflow's `sleep` and a transport on n8n's request helpers, so these defaults are dead code
// there; replacing them keeps timers and global fetch out of the shipped file (n8n Cloud's scanner lints
// dist/ with the same rules as the source).
function unavailable(what) {
  return () => {
    throw new Error(`${what} is not available in the n8n node: it injects its own`);
  };
}

export const timerSleep = unavailable('timerSleep');
export const createFetchTransport = unavailable('createFetchTransport');
