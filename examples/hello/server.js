// A tiny HTTP server that does what App Platform expects: listen on $PORT, on all interfaces.
const http = require('node:http');

const port = Number(process.env.PORT || 8080);
const greeting = process.env.GREETING || 'hello';

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') return res.end('ok\n');
  res.setHeader('content-type', 'text/plain');
  res.end(`${greeting} from ${process.env.HOSTNAME || 'hello'} (${req.url})\n`);
});
server.listen(port, '0.0.0.0', () => console.log(`listening on 0.0.0.0:${port}`));
// PID 1 in the container: handle SIGTERM so the platform's graceful stop is graceful.
process.on('SIGTERM', () => server.close(() => process.exit(0)));
