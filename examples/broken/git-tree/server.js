const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
// The shop's settings, written by hand on the developer's laptop (and gitignored, "it's local config").
const settings = require('./config/settings.json');
// The logo, renamed from Logo.svg to logo.svg on a Mac, where the filesystem (and git) ignore case.
const logo = fs.readFileSync(path.join(__dirname, 'public', 'logo.svg'));

http
  .createServer((req, res) => {
    if (req.url === '/healthz') return res.end('ok');
    if (req.url === '/logo.svg') return res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(logo);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`prices in ${settings.currency}\n`);
  })
  .listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.on('SIGTERM', () => process.exit(0));
