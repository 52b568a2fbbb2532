const http = require('node:http');
const net = require('node:net');
const dns = require('node:dns').promises;
// A cluster port, as Erlang distribution (epmd) or a gossip protocol opens one.
net.createServer((s) => s.end('peer-hello\n')).listen(4369, '0.0.0.0');
const tryPeer = (host) =>
  new Promise((resolve) => {
    const s = net.connect({ host, port: 4369, timeout: 2000 }, () => (s.destroy(), resolve('connected')));
    s.on('error', (e) => resolve(e.code));
    s.on('timeout', () => (s.destroy(), resolve('timeout')));
  });
const server = http.createServer(async (req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  // Find the other instances of this service by its name, and join them.
  const me = (await dns.lookup(process.env.HOSTNAME)).address;
  const all = (await dns.lookup(process.env.CLUSTER_NAME || 'web', { all: true })).map((a) => a.address);
  const results = await Promise.all(all.filter((ip) => ip !== me).map(tryPeer));
  res.end(JSON.stringify(results) + '\n');
});
server.listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
