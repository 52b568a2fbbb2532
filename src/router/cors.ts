/**
 * CORS as App Platform's edge applies an ingress rule's `cors` policy: it answers preflights itself and adds
 * the allow headers to responses for origins the policy matches. Without a policy, nothing is added.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { CorsModel } from '../spec/model.js';

export function originAllowed(policy: CorsModel, origin: string): boolean {
  return policy.allowOrigins.some(
    (o) =>
      (o.exact !== undefined && o.exact === origin) ||
      (o.prefix !== undefined && origin.startsWith(o.prefix)) ||
      (o.regex !== undefined && new RegExp(`^(?:${o.regex})$`).test(origin)),
  );
}

/** Headers to add to a response, or undefined when the request's origin is not allowed. */
export function corsHeaders(policy: CorsModel | undefined, req: IncomingMessage): OutgoingHttpHeaders | undefined {
  const origin = req.headers.origin;
  if (!policy || !origin || !originAllowed(policy, origin)) return undefined;
  const h: OutgoingHttpHeaders = { 'access-control-allow-origin': origin, vary: 'Origin' };
  if (policy.allowCredentials) h['access-control-allow-credentials'] = 'true';
  if (policy.exposeHeaders.length) h['access-control-expose-headers'] = policy.exposeHeaders.join(', ');
  return h;
}

/** A preflight the edge answers without the app: 204 with the policy, or 403 for an origin it does not allow. */
export function preflight(
  policy: CorsModel | undefined,
  req: IncomingMessage,
): { status: number; headers: OutgoingHttpHeaders } | undefined {
  if (!policy || req.method !== 'OPTIONS' || !req.headers.origin || !req.headers['access-control-request-method'])
    return undefined;
  const base = corsHeaders(policy, req);
  if (!base) return { status: 403, headers: {} };
  return {
    status: 204,
    headers: {
      ...base,
      'access-control-allow-methods': (policy.allowMethods.length
        ? policy.allowMethods
        : ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']
      ).join(', '),
      ...(policy.allowHeaders.length ? { 'access-control-allow-headers': policy.allowHeaders.join(', ') } : {}),
      ...(policy.maxAge ? { 'access-control-max-age': String(parseDuration(policy.maxAge)) } : {}),
    },
  };
}

/** The spec writes max_age as a duration ("5h30m", "600s"); the header wants seconds. */
export function parseDuration(s: string): number {
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g))
    total += Number(m[1]) * { h: 3600, m: 60, s: 1 }[m[2] as 'h' | 'm' | 's'];
  return Math.round(total || Number(s) || 0);
}
