const http = require('node:http');
const server = http.createServer((req, res) => res.end('hello\n'));
server.listen(8000, '0.0.0.0'); // works on my laptop
process.on('SIGTERM', () => server.close(() => process.exit(0)));
