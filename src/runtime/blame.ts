/**
 * What a failure blames, in words a newcomer can act on: the status a health check got and what usually causes
 * it; the host a job could not resolve or reach and why it is not there; the exit codes the shell reserves.
 */
import type { AppModel } from '../spec/model.js';

/** Why a health check answered with a status outside 2xx/3xx, and what to change. */
export function healthStatusHint(status: number, path: string): string {
  if (status === 400)
    return `the app answered 400 Bad Request to GET ${path}: most often a Host check rejects the probe's Host header (Django's ALLOWED_HOSTS and DisallowedHost, Rails' config.hosts, a host allowlist); allow the health check's host (or exempt ${path} from the check)`;
  if (status === 401 || status === 403)
    return `the app answered ${status} to GET ${path}: the health path requires a login or a token; exempt ${path} from authentication`;
  if (status === 404 || status === 405)
    return `health_check.http_path ${path} is not a path the app serves with GET (it answered ${status}): point it at one that answers 200`;
  if (status === 429) return `the app rate-limited the health check (429): exempt ${path} from rate limiting`;
  if (status >= 500)
    return `the app failed while answering GET ${path} (${status}): its log lines, in the details, show the error (often a database or service it cannot reach, or a missing setting)`;
  return `the app answered ${status} to GET ${path}; the platform counts only 2xx and 3xx as healthy`;
}

/** A host name the output says could not be resolved or reached, with its port when given. */
export function unreachableHost(lines: readonly string[]): { host: string; port?: number; how: string } | undefined {
  const text = lines.join('\n');
  const patterns: [RegExp, string][] = [
    [/getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([\w.-]+)/, 'not resolved'],
    [/could not translate host name "([\w.-]+)" to address/, 'not resolved'],
    [/Unknown (?:MySQL|MariaDB) server host '([\w.-]+)'/, 'not resolved'],
    [/(?:Error -2|Errno -[23]).*?(?:connecting to|host) ([\w.-]+)/, 'not resolved'],
    [/connect ECONNREFUSED ([\w.-]+):(\d+)/, 'refused'],
    [/connection to server at "([\w.-]+)".*?port (\d+) failed: Connection refused/, 'refused'],
  ];
  for (const [re, how] of patterns) {
    const m = re.exec(text);
    if (m) return { host: m[1]!, ...(m[2] ? { port: Number(m[2]) } : {}), how };
  }
  if (/Name or service not known|Temporary failure in name resolution|nodename nor servname/.test(text))
    return { host: '(a host name)', how: 'not resolved' };
  return undefined;
}

/** Why a host named in a failure is not there, from the spec: which component or database it is, if any. */
export function whyUnreachable(
  model: Pick<AppModel, 'components' | 'databases'>,
  who: string,
  target: { host: string; port?: number; how: string },
  phase: 'PRE_DEPLOY' | 'run',
): string {
  const host = target.host;
  const db = model.databases.find((d) => d.name === host);
  if (db)
    return `${who} could not reach ${host} (${target.how}): it is the spec's ${db.engine} database "${host}"${db.production ? ', a managed cluster that is not on the app network' : ''}. Connect with its bindable variables (\${${host}.DATABASE_URL}, or HOSTNAME and PORT), over TLS, as production does`;
  const c = model.components.find((x) => x.name === host);
  if (c && phase === 'PRE_DEPLOY' && c.kind === 'service')
    return `${who} could not reach ${host}: PRE_DEPLOY jobs run before any service starts, as in production, so the service "${host}" is not up yet. Move this step to a POST_DEPLOY job, or make the job not need ${host}`;
  if (c && c.kind !== 'service')
    return `${who} could not reach ${host}: "${host}" is a ${c.kind}, and only services get a name other components can reach (http://NAME:PORT). Make it a service with internal_ports, or reach it another way`;
  if (c)
    return `${who} could not reach ${host} (${target.how}${target.port ? ` on port ${target.port}` : ''}): the service "${host}" is in the spec; check that it listens on 0.0.0.0 on the port you connect to (its http_port or internal_ports)`;
  if (target.how === 'not resolved')
    return `${who} could not resolve ${host}: no component or database of the spec has that name, and only those resolve on the app's network. Use a component's name, or a database's connection string from its bindable variables`;
  return `${who} could not connect to ${host}${target.port ? `:${target.port}` : ''} (connection refused): nothing listens there`;
}

/** The shell's own exit codes, named: the command was found but could not run, or was not found at all. */
export function shellExit(exitCode: number, lines: readonly string[]): string | undefined {
  const text = lines.join('\n');
  // 126 is also what a shell returns for a binary of another CPU: that one has its own diagnosis (exec format).
  if (exitCode === 126 && !/exec format error/i.test(text)) {
    const file = /([\w./-]+): Permission denied/.exec(text)?.[1];
    return `its command${file ? ` ${file}` : ''} is not executable. Mark it executable (RUN chmod +x in the Dockerfile) or run it through its interpreter (sh script.sh, python3 app.py)`;
  }
  if (exitCode === 127) {
    const program = /([\w./-]+): (?:command )?not found/.exec(text)?.[1];
    return `its command${program ? ` ${program}` : ''} was not found: it is not installed in the image, or not on its PATH. Check run_command or the Dockerfile's CMD, and the packages the image installs`;
  }
  return undefined;
}
