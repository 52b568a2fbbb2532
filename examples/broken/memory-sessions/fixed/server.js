const crypto = require('node:crypto');
const http = require('node:http');
// The session is in the cookie itself, signed with a key every instance shares: any instance can read it.
// (A shared store, Redis or the database, works as well.)
const key = process.env.SESSION_SECRET;
const sign = (user) => crypto.createHmac('sha256', key).update(user).digest('base64url');
const session = (req) => {
  const [user, mac] = (/(?:^|;\s*)sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '').split('.');
  return user && mac === sign(user) ? { user } : undefined;
};

http
  .createServer((req, res) => {
    if (req.url === '/healthz') return res.end('ok');
    if (req.method === 'POST' && req.url === '/login') {
      res.writeHead(200, { 'set-cookie': `sid=ana.${sign('ana')}; HttpOnly; SameSite=Lax; Path=/` });
      return res.end('welcome, ana\n');
    }
    if (req.url === '/account') {
      const s = session(req);
      if (!s) return res.writeHead(401).end('please log in\n');
      return res.end(`${s.user}'s account\n`);
    }
    res.writeHead(404).end();
  })
  .listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.on('SIGTERM', () => process.exit(0));
