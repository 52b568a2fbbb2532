/**
 * What the edge makes of the profile's `edge_request`: the request shape production's edge hands the app (its
 * domain as Host, X-Forwarded-Proto: https, the platform's client-IP header), and the local HTTPS origin.
 */
import type { Profile } from '../profile/profile.js';
import type { Router, RouterOptions } from '../router/server.js';
import type { AppModel } from '../spec/index.js';
import type { AppEvent, StartOptions } from './types.js';

export function edgeRequest(profile: Profile, model: AppModel): Pick<RouterOptions, 'requestShape'> {
  const e = profile.edge_request;
  if (!e || !model.domain) return {};
  return {
    requestShape: {
      domain: model.domain,
      domains: new Set(model.domains ?? []),
      scheme: e.scheme,
      clientIpHeader: e.client_ip_header,
      owned: new Set(e.owned_headers.map((h) => h.toLowerCase())),
    },
  };
}

/**
 * The local origin over HTTPS too, so Secure cookies and HTTPS-only settings behave as in production. A CA that
 * cannot be made (no openssl) costs the HTTPS origin, not the run: the notice says why.
 */
export async function serveHttps(
  router: Router,
  options: StartOptions,
  profile: Profile,
  port: number,
  emit: (e: AppEvent) => void,
): Promise<string | undefined> {
  if (options.httpsPort === false || profile.edge_request?.scheme !== 'https') return undefined;
  const { localCertificate, trustHint } = await import('../router/local-ca.js');
  try {
    const tls = await localCertificate();
    if (tls.created) emit({ type: 'notice', component: 'edge', message: trustHint(tls.caFile) });
    return await router.listenTls({ ...tls, port: options.httpsPort ?? (port === 8080 ? 8443 : 0) });
  } catch (err) {
    emit({ type: 'notice', component: 'edge', message: `no local HTTPS origin: ${(err as Error).message}` });
    return undefined;
  }
}
