const http = require('node:http');
if (!process.env.API_URL) throw new Error('missing environment variable API_URL');
const server = http.createServer((req, res) =>
  res.end(req.url === '/healthz' ? 'ok' : `calling ${process.env.API_URL}\n`),
);
server.listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
