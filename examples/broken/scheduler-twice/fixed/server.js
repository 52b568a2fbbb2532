const http = require('node:http');
// The web process only serves; the daily digest runs in the scheduler worker (scheduler.js), one instance.
http
  .createServer((req, res) => res.end(req.url === '/healthz' ? 'ok' : 'newsletter\n'))
  .listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.on('SIGTERM', () => process.exit(0));
