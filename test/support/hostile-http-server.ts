import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostileHttpServer {
  /** `http://host:port` */
  origin: string;
  close(): Promise<void>;
}

/**
 * What a hostile download target does, on `host`: `/redirect?to=<url>` answers 302 to that URL,
 * `/endless` streams bytes without a Content-Length until the client goes, `/trickle` sends one
 * byte a second forever, `/secret` answers "secret" (to be reached only through a redirect),
 * `/echo?text=…` answers that text.
 */
export async function startHostileHttpServer(host = '127.0.0.1'): Promise<HostileHttpServer> {
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const every = (ms: number, chunk: Buffer) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const timer = setInterval(() => response.write(chunk), ms);
      timers.add(timer);
      request.on('close', () => {
        clearInterval(timer);
        timers.delete(timer);
      });
    };
    if (url.pathname === '/redirect') response.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
    else if (url.pathname === '/endless') every(5, Buffer.alloc(256 * 1024, 1));
    else if (url.pathname === '/trickle') every(1000, Buffer.from('x'));
    else if (url.pathname === '/secret') response.writeHead(200, { 'content-type': 'text/plain' }).end('secret');
    else if (url.pathname === '/echo') response.writeHead(200, { 'content-type': 'text/plain' }).end(url.searchParams.get('text') ?? '');
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
