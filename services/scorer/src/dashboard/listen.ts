import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';

export interface Listening {
  /** e.g. `http://127.0.0.1:8080`, with the real port when 0 was asked for. */
  url: string;
  port: number;
  /** Stops accepting, ends open connections (event streams never end on their own); idempotent. */
  close(): Promise<void>;
}

export function listen(app: RequestListener, host: string, port: number): Promise<Listening> {
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const { port: actual } = server.address() as AddressInfo;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}`,
        port: actual,
        close: () =>
          (closing ??= new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          })),
      });
    });
  });
}
