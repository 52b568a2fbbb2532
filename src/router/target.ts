/**
 * Request targets other than a path (RFC 9112 3.2). The common `/path` never comes here. An absolute-form target
 * (`GET http://host/path`, what a client sends to a proxy) is routed on its path and passed on in origin-form,
 * its authority replacing Host, as nginx does; `OPTIONS *` asks about the server, and is answered by the edge
 * (Go's server, hence Caddy, answers 200); anything else is malformed.
 */
export type Target =
  { form: 'absolute'; path: string; authority: string } | { form: 'asterisk' } | { form: 'invalid'; detail: string };

const ABSOLUTE = /^https?:\/\/([^/?#@\s]+)([^#\s]*)/i;

export function otherTarget(method: string, url: string): Target {
  if (url === '*')
    return method === 'OPTIONS'
      ? { form: 'asterisk' }
      : { form: 'invalid', detail: `"*" is a request target for OPTIONS only, not ${method}.` };
  const m = ABSOLUTE.exec(url);
  if (m) {
    const rest = m[2]!;
    return { form: 'absolute', authority: m[1]!, path: rest.startsWith('/') ? rest : `/${rest}` };
  }
  return { form: 'invalid', detail: 'The request target is neither a path nor an http(s) URL.' };
}
