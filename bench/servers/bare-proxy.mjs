// The floor of rehearse's design, measured for reference only: node:http in front of undici Clients (one request
// at a time each, kept on a stack), as the router's transport, with none of the router's work: no route table,
// no header rewriting (X-Forwarded-*, request id, hop-by-hop), no limits, no truncation checks, no access log.
import http from 'node:http';
import { Client } from 'undici';
const [port, target] = process.argv.slice(2);
const idle = [];
http
  .createServer((req, res) => {
    const client = idle.pop() ?? new Client(target, { pipelining: 1, keepAliveTimeout: 4_000 });
    client.dispatch(
      { path: req.url, method: req.method, headers: req.rawHeaders, body: null },
      {
        onConnect() {},
        onHeaders(status, raw) {
          const headers = [];
          for (let i = 0; i < raw.length; i += 2)
            headers.push(raw[i].toString('latin1'), raw[i + 1].toString('latin1'));
          res.writeHead(status, headers);
          return true;
        },
        onData(chunk) {
          return res.write(chunk);
        },
        onComplete() {
          idle.push(client);
          res.end();
        },
        onError() {
          res.destroy();
        },
      },
    );
  })
  .listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
