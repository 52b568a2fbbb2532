/** The platform sends traffic to 0.0.0.0:$PORT; an app that binds elsewhere fails its health check. */
import type { Lint } from './index.js';
import { specPathOf, startCommands, warn } from './commands.js';
import { finalStage, readDockerfile } from './dockerfile.js';
import { locate } from '../source.js';

const LOOPBACK =
  /(--bind|-b|--host|-h|--hostname|--listen|--address)[=\s]+(127\.0\.0\.1|localhost)\b|\b(127\.0\.0\.1|localhost):\d+/;
const HARD_PORT = /(--bind|-b|--port|-p|--listen)[=\s]+(?:[\w.]*:)?(\d{2,5})\b|\b0\.0\.0\.0:(\d{2,5})\b/;

export const loopbackBind: Lint = (source, spec, model) =>
  model.components.flatMap((c) =>
    startCommands(source, spec, c)
      .filter((cmd) => c.kind === 'service' && LOOPBACK.test(cmd.text))
      .map((cmd) =>
        warn(
          cmd,
          `${c.name}.${cmd.from}`,
          'loopback-bind',
          `${c.name} binds 127.0.0.1/localhost: only the container itself can reach it, so the platform's router gets connection refused`,
          'bind 0.0.0.0:$PORT instead',
        ),
      ),
  );

export const portMismatch: Lint = (source, spec, model) =>
  model.components.flatMap((c) => {
    if (c.kind !== 'service' || c.httpPort === undefined) return [];
    const out = startCommands(source, spec, c).flatMap((cmd) => {
      const m = HARD_PORT.exec(cmd.text);
      const port = m ? Number(m[2] ?? m[3]) : undefined;
      return port !== undefined && port !== c.httpPort
        ? [
            warn(
              cmd,
              `${c.name}.${cmd.from}`,
              'port-mismatch',
              `${c.name} listens on a hard-coded ${port}, but http_port is ${c.httpPort}: the platform sends traffic to 0.0.0.0:${c.httpPort} ($PORT)`,
              `read the port from $PORT (or set http_port: ${port})`,
            ),
          ]
        : [];
    });
    if (c.build.kind === 'dockerfile') {
      const file = c.build.dockerfile;
      for (const x of finalStage(readDockerfile(file)).filter((i) => i.keyword === 'EXPOSE')) {
        const ports = x.args.split(/\s+/).map((p) => Number(p.split('/')[0]));
        if (ports.length && !ports.includes(c.httpPort)) {
          const at = specPathOf(spec, c.name);
          const where = at ? locate(source, [...at, 'http_port']).line : 0;
          out.push(
            warn(
              { file, line: x.line, column: 1 },
              `${c.name}.EXPOSE`,
              'port-mismatch',
              `${c.name}'s Dockerfile exposes ${ports.join(', ')}, but http_port is ${c.httpPort}${where ? ` (spec line ${where})` : ''}`,
              `make the app listen on $PORT, and EXPOSE ${c.httpPort} or set http_port to the port it uses`,
            ),
          );
        }
      }
    }
    return out;
  });
