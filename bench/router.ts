/**
 * `npm run bench:router`: in one run on loopback, wrk against the upstream directly, nginx, Caddy and HAProxy as
 * reverse proxies (one core each: one nginx worker, GOMAXPROCS=1, nbthread 1), node-http-proxy, and rehearse's
 * router in both modes with App Platform's request shape; requests/second, p50/p99 latency, the ratios to nginx,
 * Caddy and direct, then memory growth of the streaming router over 500k requests. Ports from BENCH_PORT_BASE.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const children: ChildProcess[] = [];
// SIGTERM: nginx's master stops its workers on it; SIGKILL would orphan them.
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));

function ensureTool(bin: string, pkg: string) {
  if (existsSync(bin)) return;
  console.log(`installing ${pkg} from Debian's packages`);
  execFileSync('apt-get', ['install', '-y', '-qq', pkg], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function startNode(script: string, args: string[]): Promise<ChildProcess> {
  const child = fork(path.join(here, 'servers', script), args, { stdio: 'inherit' });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** A proxy from Debian's packages, its config written to a fresh folder: `config(dir)` gives the file's text. */
async function startProxy(
  bin: string,
  file: string,
  config: (dir: string) => string,
  args: (conf: string) => string[],
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-${path.basename(bin)}-`));
  const conf = path.join(dir, file);
  writeFileSync(conf, config(dir));
  const child = spawn(bin, args(conf), {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir, ...env },
  });
  children.push(child);
  await new Promise((r) => setTimeout(r, 1000));
  return child;
}

// One worker: the comparison is per core, as rehearse's router is one Node process.
const startNginx = (port: number, upstreamPort: number) =>
  startProxy(
    '/usr/sbin/nginx',
    'nginx.conf',
    (dir) => `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 4096; }
http { access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server { listen 127.0.0.1:${port}; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; } } }`,
    (conf) => ['-c', conf],
  );

/** Caddy as a reverse proxy on one core (GOMAXPROCS=1), no admin API, no automatic HTTPS, no access log. */
const startCaddy = (port: number, upstreamPort: number) =>
  startProxy(
    '/usr/bin/caddy',
    'Caddyfile',
    (dir) =>
      `{\n  admin off\n  auto_https off\n  storage file_system ${dir}\n}\nhttp://127.0.0.1:${port} {\n  reverse_proxy 127.0.0.1:${upstreamPort}\n}\n`,
    (conf) => ['run', '--adapter', 'caddyfile', '--config', conf],
    { GOMAXPROCS: '1' },
  );

/** HAProxy in HTTP mode on one thread, connections to the upstream reused as nginx's keepalive does. */
const startHaproxy = (port: number, upstreamPort: number) =>
  startProxy(
    '/usr/sbin/haproxy',
    'haproxy.cfg',
    () =>
      `global\n  nbthread 1\n  maxconn 4096\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 100s\n  timeout server 100s\n  http-reuse always\n` +
      `frontend edge\n  bind 127.0.0.1:${port}\n  default_backend app\nbackend app\n  server s1 127.0.0.1:${upstreamPort}\n`,
    (conf) => ['-db', '-f', conf],
  );

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
}

const ms = (v: string, unit: string) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 }[unit] ?? 1);

function wrk(name: string, port: number, seconds = SECONDS): Result {
  const out = execFileSync(
    'wrk',
    ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', `http://127.0.0.1:${port}/`],
    { encoding: 'utf8' },
  );
  const lat = (p: string) => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out)!;
    return ms(m[1]!, m[2]!);
  };
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(out);
  if (errors) console.log(`  ${name}: ${errors[0]}`);
  return {
    name,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]),
    p50: lat('50'),
    p99: lat('99'),
    requests: Number(/(\d+) requests in/.exec(out)![1]),
  };
}

const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

async function main() {
  ensureTool('/usr/bin/wrk', 'wrk');
  ensureTool('/usr/sbin/nginx', 'nginx-light');
  ensureTool('/usr/bin/caddy', 'caddy');
  ensureTool('/usr/sbin/haproxy', 'haproxy');
  const b = Number(process.env.BENCH_PORT_BASE ?? 18500);
  const P = { up: b, nginx: b + 1, hp: b + 2, stream: b + 3, buffer: b + 4, bare: b + 5, caddy: b + 6, haproxy: b + 7 };
  const upstream = `http://127.0.0.1:${P.up}`;
  await startNode('upstream.mjs', [String(P.up)]);
  await startNginx(P.nginx, P.up);
  await startCaddy(P.caddy, P.up);
  await startHaproxy(P.haproxy, P.up);
  await startNode('http-proxy.mjs', [String(P.hp), upstream]);
  const streaming = await startNode('rehearse-router.mjs', [String(P.stream), upstream, 'streaming']);
  await startNode('rehearse-router.mjs', [String(P.buffer), upstream, 'buffering']);
  await startNode('bare-proxy.mjs', [String(P.bare), upstream]);

  console.log(
    `wrk, 1 thread, ${CONNECTIONS} connections, ${SECONDS} s per sample, medians of ${process.env.BENCH_ROUNDS ?? 3} rounds in rotating order, 1 KiB responses, all on 127.0.0.1 (${os.cpus().length} cores)\n`,
  );
  const targets: [string, number][] = [
    ['direct', P.up],
    ['nginx', P.nginx],
    ['caddy', P.caddy],
    ['haproxy', P.haproxy],
    ['node-http-proxy', P.hp],
    ['rehearse streaming', P.stream],
    ['rehearse buffering', P.buffer],
    // Not a target: what node:http + undici can do at most here, for reading the router's figures.
    ['bare node+undici', P.bare],
  ];
  for (const [name, port] of targets) wrk(name, port, 2); // warm up every process
  // This VM slows down as a run goes on, so whoever runs last loses: rotate the order every round, take medians.
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
  const samples = new Map<string, Result[]>(targets.map(([n]) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
    for (const [name, port] of order) samples.get(name)!.push(wrk(name, port));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const results: Result[] = targets.map(([name]) => {
    const rs = samples.get(name)!;
    return {
      name,
      rps: median(rs.map((r) => r.rps)),
      p50: median(rs.map((r) => r.p50)),
      p99: median(rs.map((r) => r.p99)),
      requests: rs.reduce((a, r) => a + r.requests, 0),
    };
  });
  const by = (n: string) => results.find((r) => r.name === n)!;
  const nginx = by('nginx');
  const direct = by('direct');
  const caddy = by('caddy');
  const x = (a: number, b: number) => `${(a / b).toFixed(2).padStart(7)}x`;
  console.log('target               req/s     p50 ms   p99 ms   vs nginx   vs caddy  vs haproxy  vs direct');
  for (const r of results)
    console.log(
      `${r.name.padEnd(20)} ${r.rps.toFixed(0).padStart(7)}   ${r.p50.toFixed(2).padStart(6)}   ${r.p99.toFixed(2).padStart(6)}   ${x(r.rps, nginx.rps)}   ${x(r.rps, caddy.rps)}   ${x(r.rps, by('haproxy').rps)}   ${x(r.rps, direct.rps)}`,
    );
  const s = by('rehearse streaming');
  console.log('\ntargets against Caddy (one core each):');
  for (const mode of ['rehearse streaming', 'rehearse buffering']) {
    const r = by(mode);
    console.log(
      `  ${mode} >= 1.5x Caddy req/s:    ${(r.rps / caddy.rps).toFixed(2)}x  ${r.rps >= 1.5 * caddy.rps ? 'met' : 'NOT met'}`,
    );
    console.log(
      `  ${mode} p99 <= Caddy's p99:     ${r.p99.toFixed(2)} ms vs ${caddy.p99.toFixed(2)} ms  ${r.p99 <= caddy.p99 ? 'met' : 'NOT met'}`,
    );
  }
  const hp = by('node-http-proxy');
  console.log('\ntargets:');
  console.log(
    `  streaming >= 50% of nginx throughput:   ${((s.rps / nginx.rps) * 100).toFixed(0)}%  ${s.rps >= 0.5 * nginx.rps ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  streaming >= 1.5x node-http-proxy:      ${(s.rps / hp.rps).toFixed(2)}x  ${s.rps >= 1.5 * hp.rps ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  streaming p99 <= 2x nginx p99:          ${(s.p99 / nginx.p99).toFixed(2)}x  ${s.p99 <= 2 * nginx.p99 ? 'met' : 'NOT met'}`,
  );
  const bare = by('bare node+undici');
  console.log(
    `  (for reference: a bare node:http + undici proxy, none of the router's work, does ${((bare.rps / nginx.rps) * 100).toFixed(0)}% of nginx; the router ${((s.rps / bare.rps) * 100).toFixed(0)}% of it)`,
  );

  // Memory over 500k requests through the streaming router, measured after warm-up.
  const target = Number(process.env.BENCH_MEMORY_REQUESTS ?? 500_000);
  const before = rss(streaming.pid!);
  let served = 0;
  while (served < target)
    served += wrk(
      'rehearse streaming (memory)',
      P.stream,
      Math.max(5, Math.ceil((target - served) / s.rps) + 1),
    ).requests;
  const after = rss(streaming.pid!);
  console.log(
    `  memory flat (< 20% growth) over ${served} requests: ${before.toFixed(1)} MiB -> ${after.toFixed(1)} MiB (${(((after - before) / before) * 100).toFixed(1)}%)  ${after < before * 1.2 ? 'met' : 'NOT met'}`,
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
