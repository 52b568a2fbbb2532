/** Development servers in production: single-threaded, debug pages, auto-reload; seed 002 ran one. */
import type { Lint } from './index.js';
import { startCommands, warn } from './commands.js';

const DEV = [
  [
    /manage\.py\s+runserver\b/,
    "Django's runserver",
    'gunicorn project.wsgi --bind 0.0.0.0:$PORT --worker-tmp-dir /dev/shm',
  ],
  [/\bflask\s+run\b/, 'flask run', 'gunicorn app:app --bind 0.0.0.0:$PORT --worker-tmp-dir /dev/shm'],
  [
    /\b(npm|pnpm)\s+run\s+dev\b|\byarn\s+dev\b/,
    'a dev script',
    'build in the Dockerfile and start the production server (npm start)',
  ],
  [/\bnodemon\b/, 'nodemon', 'run node directly: node server.js'],
  [
    /\bnext\s+dev\b|\bvite(\s|$)(?!build|preview)/,
    'a dev server',
    'build, then serve the build (next start, a static site)',
  ],
] as const;

export const devServer: Lint = (source, spec, model) =>
  model.components.flatMap((c) =>
    startCommands(source, spec, c).flatMap((cmd) => {
      const hit = DEV.find(([re]) => re.test(cmd.text));
      return hit
        ? [
            warn(
              cmd,
              `${c.name}.${cmd.from}`,
              'dev-server',
              `${c.name} runs ${hit[1]} in production: made for development, not for production traffic`,
              hit[2],
            ),
          ]
        : [];
    }),
  );
