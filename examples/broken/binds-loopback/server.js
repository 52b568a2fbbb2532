const http = require('node:http');
const server = http.createServer((req, res) => res.end('hello\n'));
server.listen(Number(process.env.PORT || 8080), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
