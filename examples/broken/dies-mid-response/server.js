const http = require('node:http');
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 1000 });
  res.write('x'.repeat(500));
  // A bug half way through the report: the process dies mid-response.
  setTimeout(() => process.exit(1), 50);
});
server.listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
