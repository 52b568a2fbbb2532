const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
// The shop's settings, committed with the code (no secrets in them: those go in the spec's envs).
const settings = require('./config/settings.json');
// The logo, renamed with git mv, so the committed tree has the new name.
const logo = fs.readFileSync(path.join(__dirname, 'public', 'logo.svg'));

http
  .createServer((req, res) => {
    if (req.url === '/healthz') return res.end('ok');
    if (req.url === '/logo.svg') return res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(logo);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`prices in ${settings.currency}\n`);
  })
  .listen(Number(process.env.PORT || 8080), '0.0.0.0');
process.on('SIGTERM', () => process.exit(0));
