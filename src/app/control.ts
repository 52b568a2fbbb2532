/** The session's control endpoint: `restart` and `down` from another terminal go through the owning process. */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RehearseError } from '../shared/errors.js';
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
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: (err as Error).message, hint: (err as RehearseError).hint }));
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
    const body = (await res.json().catch(() => ({}))) as { message?: string; hint?: string };
    throw new RehearseError(
      'USAGE',
      body.message ?? `the session answered ${res.status}`,
      body.hint ? { hint: body.hint } : {},
    );
  }
}
