// The upstream every proxy in the benchmark forwards to: a tiny keep-alive Node server, 1 KiB bodies.
import http from 'node:http';
const body = Buffer.alloc(1024, 'x');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.send?.('ready'));
