/**
 * Upstream failures mapped to statuses in one function, and the pages that explain them. Truncation is never
 * a status: once headers are sent, a broken body aborts the client connection instead.
 */
export type Failure =
  | { kind: 'no-route'; path: string }
  | { kind: 'no-instance'; component: string; state: string }
  | { kind: 'refused'; component: string; instance: string }
  | { kind: 'timeout'; component: string; seconds: number; status: number; code: string }
  | { kind: 'body-too-large'; limitMib: number }
  | { kind: 'bad-gateway'; component: string; instance: string; detail: string }
  | { kind: 'bad-request'; detail: string };

export interface ErrorReply {
  status: number;
  code: string;
  title: string;
  explanation: string;
}

export function mapFailure(f: Failure): ErrorReply {
  switch (f.kind) {
    case 'no-route':
      return {
        status: 404,
        code: 'NO_ROUTE',
        title: 'No route',
        explanation: `No route in the app spec matches ${f.path}.`,
      };
    case 'no-instance':
      return {
        status: 503,
        code: 'NO_INSTANCE',
        title: 'Service unavailable',
        explanation: `${f.component} has no live instance: ${f.state}.`,
      };
    case 'refused':
      return {
        status: 502,
        code: 'UPSTREAM_REFUSED',
        title: 'Bad gateway',
        explanation: `${f.instance} refused the connection: nothing listens on its $PORT on 0.0.0.0.`,
      };
    case 'timeout':
      return {
        status: f.status,
        code: f.code,
        title: 'Timeout',
        explanation: `${f.component} did not answer within the edge's ${f.seconds}s request timeout.`,
      };
    case 'body-too-large':
      return {
        status: 413,
        code: 'BODY_TOO_LARGE',
        title: 'Payload too large',
        explanation: `The request body is larger than the edge's ${f.limitMib} MiB limit.`,
      };
    case 'bad-gateway':
      return {
        status: 502,
        code: 'BAD_GATEWAY',
        title: 'Bad gateway',
        explanation: `${f.instance} answered with an invalid response: ${f.detail}.`,
      };
    case 'bad-request':
      return { status: 400, code: 'BAD_REQUEST', title: 'Bad request', explanation: f.detail };
  }
}

export function renderErrorPage(reply: ErrorReply, accept: string | undefined): { type: string; body: string } {
  if (accept?.includes('text/html')) {
    const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    return {
      type: 'text/html; charset=utf-8',
      body: `<!doctype html><title>${reply.status} ${esc(reply.title)}</title><h1>${reply.status} ${esc(reply.title)}</h1><p>${esc(reply.explanation)}</p><p><small>rehearse edge · ${reply.code}</small></p>`,
    };
  }
  if (accept?.includes('application/json'))
    return {
      type: 'application/json',
      body: JSON.stringify({ status: reply.status, code: reply.code, error: reply.explanation }),
    };
  return {
    type: 'text/plain; charset=utf-8',
    body: `${reply.status} ${reply.title} (${reply.code}): ${reply.explanation}\n`,
  };
}
