const http = require('node:http');
const fs = require('node:fs');
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  if (req.method !== 'POST') return res.end('hello\n');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    try {
      fs.writeFileSync('/app/uploads/avatar.png', Buffer.concat(chunks));
      res.statusCode = 201;
      res.end('stored\n');
    } catch (err) {
      console.error(err.message);
      res.statusCode = 500;
      res.end('upload failed\n');
    }
  });
});
server.listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
