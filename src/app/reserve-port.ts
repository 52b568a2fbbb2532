/**
 * The router's port, held from the start of a deploy. ${APP_URL} goes into the containers' environment before the
 * router listens (it listens once the instances are live), so with `--port 0` the port must be known first: a
 * socket holds it, and hands it to the router the moment the router listens. A port already taken fails the
 * deploy before anything is built.
 */
import net from 'node:net';
import { RehearseError } from '../shared/errors.js';

export interface Reservation {
  port: number;
  /** As the router will report it: http://ADDRESS:PORT. */
  url: string;
  /** Frees the port for the router, which listens on it next (synchronous: the socket closes at once). */
  release(): void;
}

export async function reservePort(host: string, port: number): Promise<Reservation> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES'
          ? new RehearseError(
              'USAGE',
              `port ${port} on ${host} is ${err.code === 'EACCES' ? 'not allowed' : 'in use'}`,
              {
                hint: `stop what listens there, or pick another port (--port ${port + 1}, or --port 0 for any free one)`,
                cause: err,
              },
            )
          : err,
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as net.AddressInfo;
  return {
    port: addr.port,
    url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`,
    release: () => void (server.listening && server.close()),
  };
}
