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
    server.once('error', (err: NodeJS.ErrnoException) => reject(explain(err, host, port)));
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as net.AddressInfo;
  return {
    port: addr.port,
    url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`,
    release: () => void (server.listening && server.close()),
  };
}

function explain(err: NodeJS.ErrnoException, host: string, port: number): Error {
  const other = `pick another port (--port ${port + 1}, or --port 0 for any free one)`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new RehearseError('USAGE', `port ${port} on ${host} is in use`, {
        hint: `stop what listens there, or ${other}`,
        cause: err,
      });
    case 'EACCES':
      return new RehearseError('USAGE', `port ${port} on ${host} needs privileges this user lacks`, {
        hint: other,
        cause: err,
      });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new RehearseError('USAGE', `--host ${host} is not an address of this machine`, {
        hint: 'leave --host out (127.0.0.1), or give an address of one of its interfaces',
        cause: err,
      });
    default:
      return err;
  }
}
