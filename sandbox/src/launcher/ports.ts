import { createServer } from 'node:net';

/**
 * A port that was free a moment ago, for servers that cannot listen on port 0
 * themselves and report back (Postgres). Everything else listens on 0.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
