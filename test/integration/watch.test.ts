/** up --watch: an edit is rolled out while a client polling every 50 ms sees only 200s. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { cli, copyExample, spawnCli } from '../helpers/cli.js';

it('rolls out an edited file with no failed request in between', async () => {
  const dir = copyExample('hello');
  const up = spawnCli(['up', '--watch', '--port', '0'], dir);
  try {
    const [, url] = (await up.waitFor(/is up on .*(http:\/\/127\.0\.0\.1:\d+)/))!;
    await up.waitFor(/watching for changes/);
    const statuses: number[] = [];
    const bodies = new Set<string>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const res = await fetch(url + '/', { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
        statuses.push(res?.status ?? 0);
        if (res) bodies.add((await res.text()).split(' from ')[0]!);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const file = path.join(dir, 'server.js');
    writeFileSync(file, readFileSync(file, 'utf8').replace("process.env.GREETING || 'hello'", "'bonjour'"));
    await up.waitFor(/web rolled out in [\d.]+s/, 60_000);
    const deadline = Date.now() + 10_000;
    while (!bodies.has('bonjour') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    polling = false;
    await poller;
    expect(bodies).toContain('hello');
    expect(bodies).toContain('bonjour');
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  } finally {
    up.child.kill('SIGINT');
    await up.exited;
    cli(['down', '-t', '0'], dir);
  }
});
