/**
 * Integration tests need a real engine and the base images; `npm test` ensures both before vitest starts
 * (scripts/docker-engine, scripts/base-images). Here we only refuse to run without them (never skip), and after
 * the run fail if any container or network this run labelled was left behind. Only this run's objects (label
 * rehearse.owner = REHEARSE_OWNER, set in vitest.config.ts) are checked and swept: a developer's `rehearse up`
 * beside the tests, or another test run on the same engine, is never touched.
 */
import Docker from 'dockerode';

const docker = new Docker();

export async function setup() {
  if (!process.env.REHEARSE_OWNER) throw new Error('REHEARSE_OWNER is unset: vitest.config.ts names this run');
  try {
    await docker.ping();
  } catch {
    throw new Error(
      'integration tests need a Docker engine: run "npm test" (it starts one) or "bash scripts/docker-engine"',
    );
  }
  for (const image of [
    'node:20-bookworm-slim',
    'python:3.11-slim-bookworm',
    'rehearse/stand-in-postgresql:15',
    'rehearse/stand-in-redis:7.0',
  ])
    await docker
      .getImage(image)
      .inspect()
      .catch(() => {
        throw new Error(`base image ${image} is missing: run "bash scripts/base-images"`);
      });
}

export async function teardown() {
  const mine = { label: ['rehearse.app', `rehearse.owner=${process.env.REHEARSE_OWNER}`] };
  const containers = await docker.listContainers({ all: true, filters: mine });
  const networks = await docker.listNetworks({ filters: mine });
  if (containers.length || networks.length) {
    await Promise.all(
      containers.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    await Promise.all(
      networks.map((n) =>
        docker
          .getNetwork(n.Id)
          .remove()
          .catch(() => undefined),
      ),
    );
    throw new Error(
      `tests left Docker objects behind: ${[...containers.map((c) => c.Names.join(',')), ...networks.map((n) => n.Name)].join(' ')}`,
    );
  }
}
