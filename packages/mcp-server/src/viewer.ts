/**
 * The image viewer (MCP Apps, io.modelcontextprotocol/ui): generate_image and edit_image name
 * `ui://brushwork/viewer` in their `_meta`; hosts that support MCP Apps render that page inline with the
 * tool result, others ignore it (the result itself is the same for everyone). The page is built from
 * `viewer/` into `dist/viewer.html` by `pnpm build` (scripts/build-viewer.mjs).
 */
import { readFile } from 'node:fs/promises';
import { RESOURCE_MIME_TYPE, RESOURCE_URI_META_KEY, registerAppResource } from '@modelcontextprotocol/ext-apps/server';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

export const VIEWER_URI = 'ui://brushwork/viewer';

/** Same path from src/ (tests) and dist/ (the package). */
const VIEWER_PAGE = new URL('../dist/viewer.html', import.meta.url);

/** The tool `_meta` that links a tool to the viewer (the current key and the older flat one). */
export const VIEWER_TOOL_META = { ui: { resourceUri: VIEWER_URI }, [RESOURCE_URI_META_KEY]: VIEWER_URI };

export function registerViewer(server: McpServer): void {
  let page: Promise<string> | undefined;
  registerAppResource(
    server,
    'Brushwork image viewer',
    VIEWER_URI,
    {
      title: 'Brushwork image viewer',
      description: 'Shows generated images with their prompt, size and model; variations, edits, open the file.',
    },
    async () => {
      page ??= readFile(VIEWER_PAGE, 'utf8');
      const html = await page.catch(() => {
        page = undefined;
        throw new McpError(ErrorCode.InternalError, 'The viewer page is not built (run pnpm build)');
      });
      return { contents: [{ uri: VIEWER_URI, mimeType: RESOURCE_MIME_TYPE, text: html }] };
    },
  );
}
