/**
 * Python started from a Dockerfile without PYTHONUNBUFFERED: in a container stdout is a pipe, so print() output
 * is block-buffered and reaches the logs late, or never when the instance crashes. The Python buildpack exports
 * PYTHONUNBUFFERED=true (heroku-buildpack-python bin/compile), the python images do not (docker-library/python),
 * so it bites apps that move from the buildpack to a Dockerfile (research C12). Servers that log through stderr
 * (gunicorn, uvicorn, celery) are left alone: stderr is line-buffered.
 */
import { existsSync } from 'node:fs';
import type { Lint } from './index.js';
import { startCommands, warn } from './commands.js';
import { readDockerfile } from './dockerfile.js';

const PYTHON =
  /(?:^|[\s"[,/])python3?(?:\.\d+)?"?(?:\s*,\s*|\s+)(?!(?:.*[\s"])?-u\b)(?!.*\b(?:gunicorn|uvicorn|celery|daphne|hypercorn)\b)/;

export const pythonBuffered: Lint = (source, spec, model) =>
  model.components.flatMap((c) => {
    // Without the Dockerfile at hand (a spec checked alone) its ENV lines are unknown: no guess.
    if (c.build.kind !== 'dockerfile' || !existsSync(c.build.dockerfile)) return [];
    if (c.env.some((e) => e.key === 'PYTHONUNBUFFERED')) return [];
    const docker = readDockerfile(c.build.dockerfile);
    if (docker.some((i) => i.keyword === 'ENV' && /\bPYTHONUNBUFFERED\b/.test(i.args))) return [];
    const cmd = startCommands(source, spec, c).find((x) => PYTHON.test(x.text));
    return cmd
      ? [
          warn(
            cmd,
            `${c.name}.${cmd.from}`,
            'python-buffered',
            `${c.name} runs Python without PYTHONUNBUFFERED: in a container stdout is a pipe, so print() output is block-buffered and shows up late in the logs, or is lost when the instance crashes (the Python buildpack sets PYTHONUNBUFFERED=true; a Dockerfile must set it itself)`,
            'add ENV PYTHONUNBUFFERED=1 to the Dockerfile (or run python -u)',
          ),
        ]
      : [];
  });
