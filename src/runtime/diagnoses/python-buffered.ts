/**
 * Catalog class 1: a Python process whose stdout is a pipe block-buffers print(), so production's log view stays
 * empty for minutes and the last lines before a crash are lost. The official python images do not set
 * PYTHONUNBUFFERED (docker-library/python, 3.11/slim-bookworm/Dockerfile); a terminal on a laptop hides it.
 */
import type { Engine } from '../engine.js';

/** How long a live Python instance may stay silent before the notice: long enough for a boot line to arrive. */
export const SILENT_SECONDS = 5;

const PYTHON = /(^|\/|\s)(python[\d.]*|gunicorn|uvicorn|hypercorn|celery|flask|daphne|waitress-serve)(\s|$)/;

/** True when the process runs Python with its output buffered: no PYTHONUNBUFFERED, no `-u`. */
export function bufferedPython(env: readonly string[], commands: readonly string[]): boolean {
  const unbuffered = env.some((e) => /^PYTHONUNBUFFERED=./.test(e));
  const python = commands.filter((c) => PYTHON.test(c));
  return !unbuffered && python.length > 0 && !python.some((c) => /\spython[\d.]*\s+(-\w*u\w*\s)/.test(` ${c} `));
}

/**
 * The notice for an instance that has been live `SILENT_SECONDS` without a single line of output, when what runs
 * in it is a buffered Python process; undefined otherwise (or when the engine cannot tell).
 */
export async function silentPythonNotice(
  docker: Engine,
  containerId: string,
  instance: string,
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
  return `${instance} is live but has written no output in ${SILENT_SECONDS} s: no output from a Python process, whose print() is block-buffered when stdout is not a terminal (production's log view stays empty, the last lines are lost at a crash).\nSet ENV PYTHONUNBUFFERED=1 in the Dockerfile (or run python -u, or print(..., flush=True)).`;
}

/**
 * After an instance turns live, waits `SILENT_SECONDS` and gives the notice if it printed nothing meanwhile.
 * Returns the cancel function (the instance stops or restarts).
 */
export function watchSilence(
  docker: Engine,
  containerId: string,
  instance: string,
  linesSeen: () => number,
  notice: (message: string) => void,
): () => void {
  const timer = setTimeout(() => {
    if (linesSeen() > 0) return;
    void silentPythonNotice(docker, containerId, instance).then(
      (m) => m && linesSeen() === 0 && notice(m),
      () => undefined,
    );
  }, SILENT_SECONDS * 1000);
  timer.unref();
  return () => clearTimeout(timer);
}
