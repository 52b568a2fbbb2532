/**
 * The spec's routes as a matcher: longest prefix wins, on segment boundaries ("/api" matches "/api" and
 * "/api/x", not "/apix"); the prefix is stripped unless preserve_path_prefix, or replaced by `rewrite`.
 */
import type { RouteModel } from '../spec/model.js';

export interface Match {
  route: RouteModel;
  /** The path (with query) the upstream sees. */
  upstreamPath: string;
  /** True when the prefix was removed: the router's 404 log says so (a classic production-only 404). */
  stripped: boolean;
}

export class RouteTable {
  /** Longest prefix first, each with its prefix normalised once (not on every request). */
  private readonly routes: { route: RouteModel; prefix: string }[];
  constructor(routes: readonly RouteModel[]) {
    this.routes = routes
      .map((route) => ({ route, prefix: norm(route.prefix) }))
      .sort((a, b) => b.prefix.length - a.prefix.length);
  }

  match(pathWithQuery: string, host?: string): Match | undefined {
    const q = pathWithQuery.indexOf('?');
    const pathname = q === -1 ? pathWithQuery : pathWithQuery.slice(0, q);
    const query = q === -1 ? '' : pathWithQuery.slice(q);
    for (const { route, prefix } of this.routes) {
      if (route.authority && host && route.authority !== host.replace(/:\d+$/, '')) continue;
      if (!(prefix === '/' || pathname === prefix || pathname.startsWith(prefix + '/'))) continue;
      if (route.preservePathPrefix || prefix === '/') return { route, upstreamPath: pathname + query, stripped: false };
      const rest = pathname.slice(prefix.length);
      if (route.rewrite !== undefined) {
        const base = route.rewrite.endsWith('/') && rest.startsWith('/') ? route.rewrite.slice(0, -1) : route.rewrite;
        return { route, upstreamPath: (base + rest || '/') + query, stripped: true };
      }
      return { route, upstreamPath: (rest.startsWith('/') ? rest : '/' + rest) + query, stripped: true };
    }
    return undefined;
  }
}

const norm = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p) || '/';
