const http = require('node:http');
const server = http
  .createServer((req, res) => res.end(`api saw ${req.url}\n`))
  .listen(Number(process.env.PORT || 8080), '0.0.0.0');
// PID 1 gets no default SIGTERM handling: without this, every stop waits out the grace period.
process.on('SIGTERM', () => server.close(() => process.exit(0)));
