const http = require('node:http');
// Uploads go to object storage (here a local stand-in service reached by name, as Spaces would be by URL).
const STORAGE = process.env.STORAGE_URL;
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  if (process.env.ROLE === 'storage') {
    req.resume();
    return req.on('end', () => ((res.statusCode = 201), res.end('kept\n')));
  }
  if (req.method !== 'POST') return res.end('hello\n');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const r = await fetch(`${STORAGE}/avatars/avatar.png`, { method: 'PUT', body: Buffer.concat(chunks) });
    res.statusCode = r.status === 201 ? 201 : 502;
    res.end(r.status === 201 ? 'stored\n' : 'storage failed\n');
  });
});
server.listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
