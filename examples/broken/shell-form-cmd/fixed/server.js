const http = require('node:http');
const open = new Set();
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  // A long report, streamed as it is computed.
  res.writeHead(200, { 'content-type': 'text/plain' });
  open.add(res);
  let step = 0;
  const t = setInterval(() => {
    res.write(`step ${++step}\n`);
    if (step === 10) (clearInterval(t), open.delete(res), res.end('done\n'));
  }, 500);
  res.on('close', () => clearInterval(t));
});
server.listen(Number(process.env.PORT || 8080), '0.0.0.0');
// Graceful shutdown: stop taking requests, end open reports cleanly, exit. It only runs if SIGTERM arrives.
process.on('SIGTERM', () => {
  for (const res of open) res.end('server restarting: resume from the last step\n');
  server.close(() => process.exit(0));
});
