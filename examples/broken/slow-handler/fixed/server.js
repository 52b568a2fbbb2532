const http = require('node:http');
const jobs = new Map();
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  // Accept at once; the work happens after the answer.
  const id = String(jobs.size + 1);
  jobs.set(id, 'running');
  setTimeout(() => jobs.set(id, 'done'), 6000);
  res.writeHead(202, { location: `/exports/${id}` });
  res.end('export started\n');
});
server.listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
