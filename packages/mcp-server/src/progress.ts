/**
 * Progress notifications for one tool call: nothing without a progressToken; otherwise one
 * notifications/progress per phase, with a strictly increasing `progress` counter.
 */
import type { ProgressEvent } from '@brushwork/core';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { describeProgress } from './messages.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ProgressReporter {
  /** Our own phases (saving, previews). */
  phase(message: string): void;
  /** The core's events. */
  core(event: ProgressEvent): void;
  readonly enabled: boolean;
}

export function progressReporter(extra: ToolExtra, provider: string): ProgressReporter {
  const token = extra._meta?.progressToken;
  let progress = 0;
  const send = (message: string) => {
    if (token === undefined || extra.signal.aborted) return;
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
  };
}
