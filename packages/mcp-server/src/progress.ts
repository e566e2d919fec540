/**
 * Progress notifications for one tool call: nothing without a progressToken; otherwise one
 * notifications/progress per phase, with a strictly increasing `progress` counter. While the upstream
 * call runs, a heartbeat says how long it has been running whenever nothing else was sent for
 * HEARTBEAT_MS: clients that reset their request timeout on progress never give up on a long generation.
 */
import type { ProgressEvent } from '@brushwork/core';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { describeProgress } from './messages.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Longest silence while the upstream call runs (clients commonly time out after 60 s without progress). */
export const HEARTBEAT_MS = 4000;

export interface ProgressReporter {
  /** Our own phases (saving, previews). */
  phase(message: string): void;
  /** The core's events. */
  core(event: ProgressEvent): void;
  readonly enabled: boolean;
  /** Runs `work` with the heartbeat on ("still generating, N s elapsed"); returns what it returns. */
  whileWaiting<T>(work: () => Promise<T>): Promise<T>;
}

export function progressReporter(extra: ToolExtra, provider: string): ProgressReporter {
  const token = extra._meta?.progressToken;
  let progress = 0;
  let heartbeat: { started: number; timer?: ReturnType<typeof setTimeout> } | undefined;
  const armHeartbeat = () => {
    if (!heartbeat) return;
    clearTimeout(heartbeat.timer);
    heartbeat.timer = setTimeout(() => {
      if (heartbeat) send(`Still generating: ${Math.round((Date.now() - heartbeat.started) / 1000)} s elapsed`);
    }, HEARTBEAT_MS);
  };
  const send = (message: string) => {
    if (token === undefined || extra.signal.aborted) return;
    armHeartbeat();
    progress += 1;
    extra
      .sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, message } })
      .catch(() => {
        // The client went away; the call itself will notice through its signal.
      });
  };
  return {
    enabled: token !== undefined,
    phase: send,
    core: (event) => {
      const message = describeProgress(event, provider);
      if (message) send(message);
    },
    whileWaiting: async (work) => {
      if (token === undefined) return work();
      heartbeat = { started: Date.now() };
      armHeartbeat();
      try {
        return await work();
      } finally {
        clearTimeout(heartbeat.timer);
        heartbeat = undefined;
      }
    },
  };
}
