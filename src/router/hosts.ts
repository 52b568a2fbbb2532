/**
 * Which Host headers the edge answers, against DNS rebinding: a web page on another origin whose name is made to
 * resolve to 127.0.0.1 sends its own name as Host, so the edge refuses any name it does not serve (issue 17).
 * Accepted: the loopback names with each port the edge listens on (HTTP, and its local HTTPS origin), and the
 * names the app layer passes in (the spec's domains); `*.name` matches any subdomain. The list is data from the caller, so an
 * origin added elsewhere (a TLS front) is one more entry.
 */
export interface HostPolicy {
  /** Extra names, each `name` (any port) or `name:port`; `*.example.com` for subdomains. */
  names: readonly string[];
  /** Accept every Host (a router bound beyond loopback with --host: the caller warns). */
  any?: boolean;
}

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

/** `name` and `port` of a Host header, lower-cased; undefined when it is not a plausible host. */
function split(host: string): { name: string; port?: string } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  if (!m) return undefined;
  const name = m[1]!.replace(/\.$/, ''); // "localhost." is localhost
  return m[2] ? { name, port: m[2] } : { name };
}

export class HostAllowlist {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];

  constructor(private readonly policy: HostPolicy) {
    for (const n of policy.names) this.add(n);
  }

  /** The loopback names on a port the edge listens on (its HTTP port, its local HTTPS origin's). */
  allowPort(port: number) {
    // A browser leaves the port out of Host only for the scheme's default port.
    for (const n of LOOPBACK) this.add(port === 80 || port === 443 ? n : `${n}:${port}`);
  }

  private add(entry: string) {
    const e = entry.toLowerCase();
    if (e.startsWith('*.')) this.suffixes.push(e.slice(1));
    else this.exact.add(e);
  }

  /** Whether the edge serves this Host header. HTTP/1.0 requests without one are answered (nothing to rebind). */
  allows(host: string | undefined): boolean {
    if (this.policy.any || host === undefined) return true;
    const h = split(host);
    if (!h) return false;
    if (this.exact.has(h.name) || (h.port && this.exact.has(`${h.name}:${h.port}`))) return true;
    return this.suffixes.some((s) => h.name.endsWith(s) && h.name.length > s.length);
  }
}
