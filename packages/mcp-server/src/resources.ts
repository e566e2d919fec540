/**
 * Saved images as MCP resources: resources/list shows the images in the output dir (newest first),
 * resources/read returns a file's bytes as a base64 blob. Only plain image files directly in the output
 * dir are served (names checked, no symlinks, read through one descriptor), up to
 * BRUSHWORK_MAX_RESOURCE_BYTES; a larger file is refused with its path.
 */
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { ServerConfig } from './config.js';
import { FileProblem, listSavedImages, RESOURCE_PREFIX, readSavedImage, resourceUri } from './files.js';

export function registerImageResources(server: McpServer, config: ServerConfig): void {
  server.registerResource(
    'saved-image',
    new ResourceTemplate(`${RESOURCE_PREFIX}{name}`, {
      list: async () => ({
        resources: (await listSavedImages(config.outputDir)).map((entry) => ({
          uri: resourceUri(entry.fileName),
          name: entry.fileName,
          mimeType: entry.mimeType,
          size: entry.bytes,
          description: `Saved image ${entry.path}`,
        })),
      }),
    }),
    {
      title: 'Saved images',
      description: `Images Brushwork saved in ${config.outputDir}`,
    },
    async (uri, variables) => {
      const raw = Array.isArray(variables.name) ? variables.name[0] : variables.name;
      let name: string | undefined;
      try {
        name = raw === undefined ? undefined : decodeURIComponent(raw);
      } catch {
        name = undefined;
      }
      const file =
        name === undefined
          ? undefined
          : await readSavedImage(config.outputDir, name, config.maxResourceBytes).catch((error: unknown) => {
              if (error instanceof FileProblem) throw new McpError(ErrorCode.InvalidParams, error.message);
              throw error;
            });
      if (!file) throw new McpError(ErrorCode.InvalidParams, `No saved image at ${uri.href}`);
      return {
        contents: [{ uri: uri.href, mimeType: file.mimeType, blob: Buffer.from(file.bytes).toString('base64') }],
      };
    },
  );
}
