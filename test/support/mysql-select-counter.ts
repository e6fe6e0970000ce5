import { TcpProxy } from './tcp-proxy.js';

/**
 * A TCP proxy in front of MySQL that counts the SELECT statements passing through it (COM_QUERY
 * packets whose text starts with SELECT): what one server process really asks of the database,
 * unaffected by other clients of the same MySQL.
 */
export class MysqlSelectCounter {
  selects = 0;
  private readonly proxy: TcpProxy;

  constructor(targetHost: string, targetPort: number) {
    this.proxy = new TcpProxy(targetHost, targetPort, () => {
      let pending = Buffer.alloc(0);
      return (chunk) => {
        pending = Buffer.concat([pending, chunk]);
        // Packets: 3-byte little-endian payload length, 1-byte sequence, payload (command byte first).
        while (pending.length >= 4) {
          const length = pending.readUIntLE(0, 3);
          if (pending.length < 4 + length) break;
          const payload = pending.subarray(4, 4 + length);
          if (payload[0] === 0x03 && /^\s*select\b/i.test(payload.subarray(1, 64).toString('utf8'))) this.selects++;
          pending = pending.subarray(4 + length);
        }
      };
    });
  }

  /** Listens on loopback; returns `mysqlUrl` rewritten to go through the counter. */
  async listen(mysqlUrl: string): Promise<string> {
    const url = new URL(mysqlUrl);
    url.hostname = '127.0.0.1';
    url.port = String(await this.proxy.listen());
    return url.toString();
  }

  close(): Promise<void> {
    return this.proxy.close();
  }
}
