const http = require('node:http');
const server = http.createServer((req, res) => {
  // The app was written for its full public path.
  if (req.url === '/api/users') return res.end(JSON.stringify([{ id: 1, name: 'ada' }]));
  res.statusCode = 404;
  res.end('not found\n');
});
server.listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
