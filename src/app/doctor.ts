/** `doctor`: is this machine ready to rehearse this app? Each check says what is wrong and what fixes it. */
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { loadProfile } from '../profile/profile.js';
import { buildpackDockerfile, presentIn } from '../runtime/buildpacks/dockerfile.js';
import { connectEngine } from '../runtime/engine.js';
import { isRehearseError } from '../shared/errors.js';
import { projectIdFor } from './app-id.js';
import { loadModel, specFileOf } from './load-model.js';
import { readSession } from './session.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.createServer().once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

export async function doctor(options: { spec?: string; port?: number; platform?: string } = {}): Promise<Check[]> {
  const checks: Check[] = [];
  checks.push({
    name: 'node',
    ok: Number(process.versions.node.split('.')[0]) >= 20,
    detail: `Node ${process.version}`,
    fix: 'install Node 20.19 or newer',
  });
  try {
    const docker = await connectEngine();
    const v = await docker.version();
    checks.push({ name: 'docker engine', ok: true, detail: `Docker ${v.Version} (API ${v.ApiVersion})` });
    let spec: string | undefined;
    try {
      spec = specFileOf(options.spec);
    } catch {
      checks.push({
        name: 'app spec',
        ok: false,
        detail: 'no app spec here',
        fix: 'run in a folder with .do/app.yaml, or pass --spec FILE',
      });
    }
    if (spec) {
      const r = loadModel({ file: spec, profile: loadProfile(options.platform), checkFiles: true });
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      checks.push({
        name: 'app spec',
        ok: r.ok,
        detail: r.ok ? `${spec} is valid` : `${errors.length} error(s), first: ${errors[0]?.message}`,
        fix: 'run "rehearse validate --files" for every problem with its line',
      });
      const images = new Set<string>();
      for (const c of r.model?.components ?? []) {
        if (c.build.kind === 'image') images.add(c.build.image);
        if (c.build.kind === 'dockerfile' && existsSync(c.build.dockerfile))
          for (const m of readFileSync(c.build.dockerfile, 'utf8').matchAll(
            /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/gim,
          ))
            if (!m[1]!.includes('$')) images.add(m[1]!);
      }
      // A component without a Dockerfile: what up would build it as, or why it would refuse.
      for (const c of r.model?.components ?? []) {
        if (c.build.kind !== 'buildpack' || (c.kind === 'static_site' && !c.buildCommand)) continue;
        try {
          const g = await buildpackDockerfile(c, presentIn(docker));
          images.add(g.base);
          checks.push({ name: `build of ${c.name}`, ok: true, detail: g.summary });
        } catch (err) {
          if (!isRehearseError(err)) throw err;
          checks.push({
            name: `build of ${c.name}`,
            ok: false,
            detail: err.message,
            ...(err.hint ? { fix: err.hint } : {}),
          });
        }
      }
      const stages = new Set(
        [...(r.model?.components ?? [])].flatMap((c) =>
          c.build.kind === 'dockerfile' && existsSync(c.build.dockerfile)
            ? [...readFileSync(c.build.dockerfile, 'utf8').matchAll(/\bAS\s+(\S+)/gi)].map((m) => m[1]!)
            : [],
        ),
      );
      for (const image of [...images].filter((i) => !stages.has(i))) {
        const present = await docker
          .getImage(image)
          .inspect()
          .then(
            () => true,
            () => false,
          );
        checks.push({
          name: `image ${image}`,
          ok: present,
          detail: present ? 'present locally' : 'missing locally',
          fix: `docker pull ${image} (offline: in a clone of rehearse, "npm run images" builds stand-ins of the common bases)`,
        });
      }
    }
  } catch (err) {
    checks.push({
      name: 'docker engine',
      ok: false,
      detail: isRehearseError(err) ? err.message : String(err),
      fix: isRehearseError(err) ? err.hint : 'start your Docker engine',
    });
  }
  const port = options.port ?? 8080;
  const free = await portFree(port);
  const own = free ? undefined : ownSession(options.spec, port);
  checks.push({
    name: `port ${port}`,
    ok: free || own !== undefined,
    detail: free
      ? 'free on 127.0.0.1'
      : own
        ? `in use by this app's rehearse session (pid ${own})`
        : 'in use on 127.0.0.1',
    fix: `stop what listens there, or use "rehearse up --port ${port + 1}"`,
  });
  return checks;
}

/** The pid of this app's running session when its router is the one on the port. */
function ownSession(spec: string | undefined, port: number): number | undefined {
  try {
    const s = readSession(projectIdFor(specFileOf(spec)));
    return s?.url && Number(new URL(s.url).port) === port ? s.pid : undefined;
  } catch {
    return undefined; // no spec here: no session of it either
  }
}
