/**
 * Upstream failures mapped to statuses in one function, and pages that explain them. A failure after the
 * response headers went out is never a status: the client connection is destroyed instead (proxy.ts).
 */
export type Failure =
  | { kind: 'no-route'; path: string }
  | { kind: 'no-instance'; component: string; state: string }
  | { kind: 'refused'; component: string; instance: string; why?: string | undefined }
  | { kind: 'closed'; component: string; instance: string; why?: string | undefined }
  | { kind: 'timeout'; component: string; seconds: number; status: number; code: string; platform: string }
  | { kind: 'body-too-large'; limitMib: number }
  | { kind: 'client-timeout'; seconds: number }
  | { kind: 'bad-gateway'; component: string; instance: string; detail: string }
  | { kind: 'bad-request'; detail: string }
  | { kind: 'host-not-allowed'; host: string }
  | { kind: 'header-too-large'; limitBytes: number }
  | { kind: 'method-not-allowed'; method: string }
  | { kind: 'buffer-full'; capMib: number }
  | { kind: 'interim-100'; component: string; instance: string }
  | { kind: 'client-gone'; component?: string };

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
        title: 'Not Found',
        explanation: `No route in the app spec matches ${f.path}.`,
      };
    case 'no-instance':
      return {
        status: 503,
        code: 'NO_LIVE_INSTANCE',
        title: 'Service Unavailable',
        explanation: `${f.component} has no live instance: ${f.state}.`,
      };
    case 'refused':
      return {
        status: 502,
        code: 'UPSTREAM_REFUSED',
        title: 'Bad Gateway',
        explanation: f.why ?? `${f.instance} refused the connection: nothing listens on its $PORT on 0.0.0.0.`,
      };
    case 'closed':
      return {
        status: 502,
        code: 'UPSTREAM_CLOSED',
        title: 'Bad Gateway',
        explanation:
          f.why ?? `${f.instance} closed the connection without sending a response (did it crash mid-request?).`,
      };
    case 'timeout':
      return {
        status: f.status,
        code: f.code,
        title: 'Timeout',
        explanation: `${f.component} sent no response within ${f.platform}'s ${f.seconds} s request timeout (${f.code}). Move long work to a worker or a job, or stream the response.`,
      };
    case 'body-too-large':
      return {
        status: 413,
        code: 'BODY_TOO_LARGE',
        title: 'Payload Too Large',
        explanation: `The request body is larger than the edge's ${f.limitMib} MiB limit. Upload large files straight to object storage (Spaces) instead.`,
      };
    case 'client-timeout':
      return {
        status: 408,
        code: 'CLIENT_TIMEOUT',
        title: 'Request Timeout',
        explanation: `The client sent no byte of its request body for ${f.seconds} s.`,
      };
    case 'bad-gateway':
      return {
        status: 502,
        code: 'BAD_GATEWAY',
        title: 'Bad Gateway',
        explanation: `${f.instance} answered with an invalid response: ${f.detail}.`,
      };
    case 'bad-request':
      return { status: 400, code: 'BAD_REQUEST', title: 'Bad Request', explanation: f.detail };
    case 'host-not-allowed':
      return {
        status: 403,
        code: 'HOST_NOT_ALLOWED',
        title: 'Forbidden',
        explanation: `This edge does not serve the host "${f.host}": it answers 127.0.0.1, localhost and [::1] on its own port, and the app spec's domains. A page on another site reaching your local app (DNS rebinding) is refused; to use another name, add it to the spec's domains, or start rehearse with --host.`,
      };
    case 'header-too-large':
      return {
        status: 431,
        code: 'HEADERS_TOO_LARGE',
        title: 'Request Header Fields Too Large',
        explanation: `The request's headers are larger than the edge's ${f.limitBytes} bytes.`,
      };
    case 'method-not-allowed':
      // nginx answers CONNECT with 405: an edge in front of an app is no forward proxy.
      return {
        status: 405,
        code: 'METHOD_NOT_ALLOWED',
        title: 'Method Not Allowed',
        explanation: `${f.method} is not served by the edge: it is no forward proxy.`,
      };
    case 'buffer-full':
      return {
        status: 503,
        code: 'EDGE_BUFFER_FULL',
        title: 'Service Unavailable',
        explanation: `The edge already holds ${f.capMib} MiB of uploads being buffered for other clients; try again shortly.`,
      };
    case 'interim-100':
      return {
        status: 502,
        code: 'BAD_GATEWAY',
        title: 'Bad Gateway',
        explanation: `${f.instance} sent a 100 Continue the edge never asked for (the edge answers the client's Expect itself and sends none); the response after it was not read.`,
      };
    case 'client-gone':
      // Never sent (nobody is there to read it): the access log's status, nginx's 499.
      return {
        status: 499,
        code: 'CLIENT_CLOSED',
        title: 'Client Closed Request',
        explanation: 'The client closed the connection before the response was complete; the app is not at fault.',
      };
  }
}

/**
 * A redirect to the very URL that was asked for: the browser's "too many redirects". Behind a TLS-terminating
 * edge it is nearly always an HTTPS redirect by an app that does not believe the request came over HTTPS
 * (databases-buildpacks-failures.md C13, C14). Production loops the same way; the log line names the fix.
 */
export function selfRedirect(component: string, location: string): string {
  return `REDIRECT_LOOP: ${component} redirects ${location} to itself, so the browser loops (ERR_TOO_MANY_REDIRECTS). It does not see the request as HTTPS though the edge says so in X-Forwarded-Proto: https. Django: SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https'); Express: app.set('trust proxy', 1); Rails: config.assume_ssl = true.`;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** HTML for browsers, JSON for API clients, plain text for everything else. */
export function renderErrorPage(reply: ErrorReply, accept: string | undefined): { type: string; body: string } {
  if (accept?.includes('text/html'))
    return {
      type: 'text/html; charset=utf-8',
      body: `<!doctype html><meta charset="utf-8"><title>${reply.status} ${esc(reply.title)}</title><style>body{font:16px system-ui;max-width:40em;margin:4em auto}code{background:#eee}</style><h1>${reply.status} ${esc(reply.title)}</h1><p>${esc(reply.explanation)}</p><p><small>rehearse edge · <code>${reply.code}</code></small></p>\n`,
    };
  if (accept?.includes('application/json'))
    return {
      type: 'application/json',
      body: JSON.stringify({ status: reply.status, code: reply.code, error: reply.explanation }) + '\n',
    };
  return {
    type: 'text/plain; charset=utf-8',
    body: `${reply.status} ${reply.title} (${reply.code}): ${reply.explanation}\n`,
  };
}

/** A whole raw HTTP response for a connection node's server no longer answers (a parse error, CONNECT); then close. */
export function rawResponse(reply: ErrorReply, accept?: string): string {
  const page = renderErrorPage(reply, accept);
  return (
    `HTTP/1.1 ${reply.status} ${reply.title}\r\ncontent-type: ${page.type}\r\ncontent-length: ${Buffer.byteLength(page.body)}\r\n` +
    `x-rehearse-error: ${reply.code}\r\nconnection: close\r\n\r\n${page.body}`
  );
}
