import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ThrottledFileServer {
  url: string;
  sha256: string;
  size: number;
  /** Responses still being sent (a client that closed its socket is no longer counted). */
  openResponses(): number;
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 that serves `size` random bytes at `/file.bin` with a Content-Length,
 * in chunks of `chunkBytes` every `everyMs` (so a download takes a predictable while); other paths are 404.
 */
export async function startThrottledFileServer(size: number, chunkBytes: number, everyMs: number): Promise<ThrottledFileServer> {
  const body = randomBytes(size);
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((request, response) => {
    if (request.url !== '/file.bin') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
    let offset = 0;
    const timer = setInterval(() => {
      response.write(body.subarray(offset, offset + chunkBytes));
      offset += chunkBytes;
      if (offset >= size) stop();
    }, everyMs);
    const stop = () => {
      clearInterval(timer);
      timers.delete(timer);
      response.end();
    };
    timers.add(timer);
    request.on('close', stop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/file.bin`,
    sha256: createHash('sha256').update(body).digest('hex'),
    size,
    openResponses: () => timers.size,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
