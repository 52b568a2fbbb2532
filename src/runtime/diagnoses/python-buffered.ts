/**
 * Catalog class 1: a Python process whose stdout is a pipe block-buffers print(), so production's log view stays
 * empty for minutes and the last lines before a crash are lost. The official python images do not set
 * PYTHONUNBUFFERED (docker-library/python, 3.11/slim-bookworm/Dockerfile); a terminal on a laptop hides it.
 */
import type { Engine } from '../engine.js';

/** How long a Python instance may stay silent after its first request: long enough for a log line to arrive. */
export const SILENT_SECONDS = 5;

const PYTHON = /(^|\/|\s)(python[\d.]*|gunicorn|uvicorn|hypercorn|celery|flask|daphne|waitress-serve)(\s|$)/;

/** True when the process runs Python with its output buffered: no PYTHONUNBUFFERED, no `-u`. */
export function bufferedPython(env: readonly string[], commands: readonly string[]): boolean {
  const unbuffered = env.some((e) => /^PYTHONUNBUFFERED=./.test(e));
  const python = commands.filter((c) => PYTHON.test(c));
  return !unbuffered && python.length > 0 && !python.some((c) => /\spython[\d.]*\s+(-\w*u\w*\s)/.test(` ${c} `));
}

/**
 * The notice for an instance that has served requests without a single line of output, when what runs in it is a
 * buffered Python process; undefined otherwise (or when the engine cannot tell).
 */
export async function silentPythonNotice(
  docker: Engine,
  containerId: string,
  instance: string,
  served: number,
): Promise<string | undefined> {
  const container = docker.getContainer(containerId);
  const [info, top] = await Promise.all([
    container.inspect().catch(() => undefined),
    container.top({ ps_args: '-eo pid,args' }).catch(() => undefined),
  ]);
  if (!info?.State.Running) return undefined;
  const commands = [
    [info.Path, ...info.Args].join(' '),
    ...((top?.Processes ?? []) as string[][]).map((p) => p.join(' ')),
  ];
  if (!bufferedPython(info.Config.Env ?? [], commands)) return undefined;
  return `${instance} has served ${served} request${served === 1 ? '' : 's'} but written no output: no output from a Python process, whose print() is block-buffered when stdout is not a terminal (production's log view stays empty, the last lines are lost at a crash).\nSet ENV PYTHONUNBUFFERED=1 in the Dockerfile (or run python -u, or print(..., flush=True)).`;
}

/**
 * Once an instance is live, watches for the sign: requests served through the edge (an app that was never asked
 * anything may rightly have nothing to say) and still no line of output `SILENT_SECONDS` after the first. Returns the
 * cancel function (the instance stops or restarts).
 */
export function watchSilence(
  docker: Engine,
  containerId: string,
  instance: string,
  seen: () => { lines: number; served: number; firstServed: number },
  notice: (message: string) => void,
): () => void {
  const timer = setInterval(() => {
    const s = seen();
    if (s.lines > 0) return clearInterval(timer);
    if (!s.served || Date.now() - s.firstServed < SILENT_SECONDS * 1000) return;
    clearInterval(timer);
    void silentPythonNotice(docker, containerId, instance, s.served).then(
      (m) => m && seen().lines === 0 && notice(m),
      () => undefined,
    );
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}
