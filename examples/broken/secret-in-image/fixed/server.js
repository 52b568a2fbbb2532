const http = require('node:http');
if (process.env.SENTRY_AUTH_TOKEN) console.log('error tracker configured');
http
  .createServer((req, res) => res.end(req.url === '/healthz' ? 'ok' : 'shop\n'))
  .listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.on('SIGTERM', () => process.exit(0));
