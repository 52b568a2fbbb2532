/** The session's control endpoint: `restart` and `down` from another terminal go through the owning process. */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ERROR_CODES, RehearseError, type ErrorCode } from '../shared/errors.js';
import type { SessionInfo } from './session.js';
import type { RunningApp } from './types.js';

export async function startControl(
  app: RunningApp,
  onDown: () => void,
): Promise<{ port: number; token: string; close: () => void }> {
  const token = randomBytes(16).toString('hex');
  const server = http.createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end();
    const url = new URL(req.url ?? '/', 'http://x');
    try {
      if (req.method === 'POST' && url.pathname === '/restart') {
        await app.restart(url.searchParams.get('component') ?? '');
        return void res.end('{}');
      }
      if (req.method === 'POST' && url.pathname === '/down') {
        res.end('{}');
        return onDown();
      }
      res.writeHead(404).end();
    } catch (err) {
      // The error's own code travels back: a restart whose instance never got live is HEALTH_FAILED (exit 1),
      // not a usage error.
      const e = err as Partial<RehearseError>;
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: e.code, message: e.message, hint: e.hint, details: e.details }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  server.unref();
  return { port: (server.address() as AddressInfo).port, token, close: () => server.close() };
}

export async function callControl(s: SessionInfo, pathAndQuery: string): Promise<void> {
  if (!s.control)
    throw new RehearseError('USAGE', 'the running session has no control endpoint', {
      hint: 'restart it with rehearse up',
    });
  const res = await fetch(`http://127.0.0.1:${s.control.port}${pathAndQuery}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.control.token}` },
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as {
      code?: string;
      message?: string;
      hint?: string;
      details?: string;
    };
    const code = body.code && body.code in ERROR_CODES ? (body.code as ErrorCode) : 'USAGE';
    throw new RehearseError(code, body.message ?? `the session answered ${res.status}`, {
      ...(body.hint ? { hint: body.hint } : {}),
      ...(body.details ? { details: body.details } : {}),
    });
  }
}
