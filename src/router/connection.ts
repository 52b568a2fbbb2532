/**
 * What the edge keeps per client connection: the exchange in flight (to abort it when the client goes away),
 * pipelined requests waiting their turn, and a parse error's answer held back until the requests before it are
 * answered. nginx reads a pipelined request only once the one before it was answered, so the app sees them in
 * the client's order, and a malformed request after a valid one costs only itself.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The client closed its connection before its response was complete: nobody to answer, nobody to blame. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

export interface ClientConnection {
  /** Aborts the upstream exchange in flight, if any. */
  abort: ((err: Error) => void) | undefined;
  /** The request being served; later pipelined ones wait in `queue`. */
  current: IncomingMessage | undefined;
  queue: (() => void)[] | undefined;
  /** A raw refusal (400 after garbage) to send once the exchanges before it are answered; then the end. */
  refusal: string | undefined;
  /** Fails the body being read (a chunk the parser could not read), so its exchange answers 400. */
  failBody: ((err: Error) => void) | undefined;
  gone: boolean;
}

/**
 * Kept beside the socket, not on it: a property added to node's sockets changes their shape, and every access
 * node's own code makes to them slows. One close listener per connection, not one per request.
 */
const connections = new WeakMap<Socket, ClientConnection>();

export function watchClientSocket(socket: Socket) {
  const conn: ClientConnection = {
    abort: undefined,
    current: undefined,
    queue: undefined,
    refusal: undefined,
    failBody: undefined,
    gone: false,
  };
  connections.set(socket, conn);
  socket.once('close', () => {
    conn.gone = true;
    conn.queue = undefined;
    conn.abort?.(new ClientGone());
  });
}

export const connectionOf = (socket: Socket): ClientConnection | undefined => connections.get(socket);

/**
 * Runs `serve` now when the connection is free, else once the requests before it were answered. Returns false
 * when the request was queued.
 */
export function takeTurn(req: IncomingMessage, serve: () => void): boolean {
  const conn = connections.get(req.socket);
  if (!conn) return true;
  if (conn.current) {
    (conn.queue ??= []).push(serve);
    return false;
  }
  conn.current = req;
  return true;
}

/** The exchange of `req` is over: the next pipelined request goes, or the held-back refusal once `res` is out. */
export function endTurn(req: IncomingMessage, res: ServerResponse) {
  const conn = connections.get(req.socket);
  if (!conn || conn.current !== req) return;
  conn.current = undefined;
  const next = conn.queue?.shift();
  if (next) return next();
  if (conn.refusal !== undefined) {
    const send = () => refuseRaw(req.socket, conn.refusal!);
    if (res.writableFinished) send();
    else res.once('finish', send);
  }
}

/**
 * A request the parser could not read. After valid requests still in flight, the answer waits for theirs (it
 * must not land inside a response body); a body that breaks mid-way fails its own exchange.
 */
export function clientError(socket: Socket, answer: string) {
  const conn = connections.get(socket);
  if (conn?.refusal !== undefined) return; // the parser reports every later byte too
  if (!conn?.current) {
    if (conn) conn.refusal = answer;
    return refuseRaw(socket, answer);
  }
  conn.queue = undefined;
  if (conn.current.complete) conn.refusal = answer;
  else {
    // The request in flight is the malformed one: its own exchange answers 400, then the connection closes.
    conn.refusal = '';
    conn.failBody?.(new MalformedBody());
  }
}

export class MalformedBody extends Error {
  constructor() {
    super('the request body could not be read (malformed chunked encoding)');
  }
}

/** Writes a raw answer and closes, reading on for a moment so the client is not reset before it reads it. */
export function refuseRaw(socket: Socket, answer: string) {
  if (!socket.writable) return socket.destroy();
  socket.end(answer);
  lingerThenClose(socket);
}

/**
 * nginx's lingering close: a client still sending its body when the edge answered gets a TCP reset if the edge
 * closes with unread bytes, and a reset can discard the answer before the client reads it. So the edge reads
 * and drops what still arrives, for a bounded time, then closes.
 */
export function lingerThenClose(socket: Socket, ms = 2000) {
  socket.on('data', () => undefined).resume();
  const t = setTimeout(() => socket.destroy(), ms);
  t.unref();
  socket.once('end', () => socket.destroy());
  socket.once('close', () => clearTimeout(t));
}
