import type { Sleep } from '@brushwork/core';
import { sleep as n8nSleep } from 'n8n-workflow';

/**
 * The core's Sleep on n8n-workflow's `sleep` (community nodes may not touch timers themselves):
 * resolves after `ms`, rejects at once when the signal aborts.
 */
export function createN8nSleep(wait: (ms: number) => Promise<void> = n8nSleep): Sleep {
  return async (ms, signal) => {
    if (signal?.aborted) throw signal.reason ?? new Error('Aborted');
    if (!signal) return wait(ms);
    let onAbort: () => void = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason ?? new Error('Aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([wait(ms), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };
}
