// node-http-proxy (unmaintained since 2020), measured for comparison only; never a dependency of rehearse.
import http from 'node:http';
import httpProxy from 'http-proxy';
const [port, target] = process.argv.slice(2);
const proxy = httpProxy.createProxyServer({ target, agent: new http.Agent({ keepAlive: true, maxSockets: 512 }) });
proxy.on('error', (_e, _req, res) => res.writeHead?.(502).end());
http.createServer((req, res) => proxy.web(req, res)).listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
