const http = require('node:http');
// The daily digest, scheduled inside the web process: fine with one process on a laptop. (Every 2 s here, so
// the catalog sees a few runs; production's would be daily.)
let run = 0;
setInterval(() => console.log(`[scheduler] daily digest: run ${++run}, emailed 120 subscribers`), 2000);

http
  .createServer((req, res) => res.end(req.url === '/healthz' ? 'ok' : 'newsletter\n'))
  .listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.on('SIGTERM', () => process.exit(0));
