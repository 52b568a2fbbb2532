// Serves the page the build made, and what the running container looks like from inside.
const http = require('node:http');
const fs = require('node:fs');

const page = fs.readFileSync(`${__dirname}/dist/index.html`, 'utf8');
let stamp = 'installed';
try {
  require.resolve('stamp');
} catch {
  stamp = 'pruned';
}
http
  .createServer((req, res) => {
    if (req.url === '/env') {
      res.setHeader('content-type', 'application/json');
      return res.end(
        JSON.stringify({
          NODE_ENV: process.env.NODE_ENV,
          WEB_CONCURRENCY: process.env.WEB_CONCURRENCY,
          SITE_TITLE: process.env.SITE_TITLE ?? null,
          cwd: process.cwd(),
          stamp,
        }),
      );
    }
    res.setHeader('content-type', 'text/html');
    res.end(page);
  })
  .listen(Number(process.env.PORT ?? 8080), '0.0.0.0', () => console.log(`listening on ${process.env.PORT ?? 8080}`));
