const crypto = require('node:crypto');
const http = require('node:http');
// Sessions in this process's memory, as express-session's default MemoryStore keeps them.
const sessions = new Map();
const sid = (req) => /(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];

http
  .createServer((req, res) => {
    if (req.url === '/healthz') return res.end('ok');
    if (req.method === 'POST' && req.url === '/login') {
      const id = crypto.randomUUID();
      sessions.set(id, { user: 'ana' });
      res.writeHead(200, { 'set-cookie': `sid=${id}; HttpOnly; SameSite=Lax; Path=/` });
      return res.end('welcome, ana\n');
    }
    if (req.url === '/account') {
      const s = sessions.get(sid(req));
      if (!s) return res.writeHead(401).end('please log in\n');
      return res.end(`${s.user}'s account\n`);
    }
    res.writeHead(404).end();
  })
  .listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.on('SIGTERM', () => process.exit(0));
