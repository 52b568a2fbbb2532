/**
 * A reader that goes away (`rehearse validate | head -3`, a closed terminal) ends the command quietly, as it ends
 * `cat`: no EPIPE stack trace. A command that runs an app (`up`) stops it the way Ctrl-C does, once; any other
 * ends at once with the exit code it had.
 */
export function endQuietlyOnClosedOutput(): void {
  let ended = false;
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
    if (ended) return;
    ended = true;
    if (process.listenerCount('SIGTERM') > 0) process.kill(process.pid, 'SIGTERM');
    else process.exit(process.exitCode ?? 0);
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}
