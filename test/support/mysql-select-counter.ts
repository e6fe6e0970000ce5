import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of MySQL that counts the SELECT statements passing through it (COM_QUERY
 * packets whose text starts with SELECT): what one server process really asks of the database,
 * unaffected by other clients of the same MySQL.
 */
export class MysqlSelectCounter {
  selects = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly targetHost: string, private readonly targetPort: number) {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      let pending = Buffer.alloc(0);
      client.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        // Packets: 3-byte little-endian payload length, 1-byte sequence, payload (command byte first).
        while (pending.length >= 4) {
          const length = pending.readUIntLE(0, 3);
          if (pending.length < 4 + length) break;
          const payload = pending.subarray(4, 4 + length);
          if (payload[0] === 0x03 && /^\s*select\b/i.test(payload.subarray(1, 64).toString('utf8'))) this.selects++;
          pending = pending.subarray(4 + length);
        }
      });
      client.pipe(upstream).pipe(client);
    });
  }

  /** Listens on loopback; returns `mysqlUrl` rewritten to go through the counter. */
  async listen(mysqlUrl: string): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const url = new URL(mysqlUrl);
    url.hostname = '127.0.0.1';
    url.port = String((this.server.address() as AddressInfo).port);
    return url.toString();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
