/** The static lints fire on the traps, stay silent on the fixes and on every real spec in the corpus. */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../../src/spec/index.js';
import { CORPUS, ROOT } from '../../helpers/paths.js';

const lints = (file: string) => loadSpec(file).diagnostics.filter((d) => d.code.startsWith('lint/'));

function app(run: string | undefined, dockerfile: string, httpPort = 8080) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lint-'));
  mkdirSync(path.join(dir, '.do'));
  writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  writeFileSync(
    path.join(dir, '.do/app.yaml'),
    `name: lint\nservices:\n  - name: web\n    github: {repo: a/b}\n    dockerfile_path: Dockerfile\n    http_port: ${httpPort}\n${run ? `    run_command: ${JSON.stringify(run)}\n` : ''}`,
  );
  return path.join(dir, '.do/app.yaml');
}
const EXEC = 'FROM python:3.11-slim-bookworm\nEXPOSE 8080\nCMD ["python", "app.py"]\n';

describe('lints', () => {
  it.each([
    [
      'gunicorn-tmp-dir',
      'gunicorn mysite.wsgi --bind 0.0.0.0:8080',
      'gunicorn mysite.wsgi --bind 0.0.0.0:8080 --worker-tmp-dir /dev/shm',
    ],
    [
      'dev-server',
      'python manage.py runserver 0.0.0.0:8080',
      'gunicorn mysite.wsgi --bind 0.0.0.0:$PORT --worker-tmp-dir /dev/shm',
    ],
    ['dev-server', 'npm run dev', 'npm start'],
    ['dev-server', 'nodemon server.js', 'node server.js'],
    [
      'loopback-bind',
      'gunicorn app:app --bind 127.0.0.1:8080 --worker-tmp-dir /dev/shm',
      'gunicorn app:app --bind 0.0.0.0:8080 --worker-tmp-dir /dev/shm',
    ],
    ['port-mismatch', 'uvicorn app:app --host 0.0.0.0 --port 8000', 'uvicorn app:app --host 0.0.0.0 --port $PORT'],
  ])('%s fires on "%s", not on "%s"', (code, bad, good) => {
    const fired = lints(app(bad, EXEC));
    expect(fired.map((d) => d.code)).toContain(`lint/${code}`);
    const d = fired.find((x) => x.code === `lint/${code}`)!;
    expect([d.severity, d.line]).toEqual(['warning', 7]);
    expect(d.hint).toBeTruthy();
    expect(lints(app(good, EXEC)).filter((x) => x.code === `lint/${code}`)).toEqual([]);
  });
  it('shell-form CMD and a mismatched EXPOSE point at the Dockerfile line', () => {
    const fired = lints(app(undefined, 'FROM node:20-bookworm-slim\n# comment\nEXPOSE 3000\nCMD node server.js\n'));
    expect(fired.map((d) => [d.code, path.basename(d.file), d.line])).toEqual([
      ['lint/shell-form-cmd', 'Dockerfile', 4],
      ['lint/port-mismatch', 'Dockerfile', 3],
    ]);
    expect(lints(app(undefined, 'FROM node:20-bookworm-slim\nEXPOSE 8080\nCMD ["node", "server.js"]\n'))).toEqual([]);
  });
  it('stays silent on every spec of the corpus, the examples and the fixed catalog apps', () => {
    const files = [
      ...readdirSync(path.join(CORPUS, 'app-specs')).map((f) => path.join(CORPUS, 'app-specs', f)),
      path.join(ROOT, 'examples/hello/.do/app.yaml'),
      path.join(ROOT, 'examples/static-spa/.do/app.yaml'),
      ...readdirSync(path.join(ROOT, 'examples/broken'), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => path.join(ROOT, 'examples/broken', d.name, 'fixed/.do/app.yaml')),
    ];
    expect(files.flatMap((f) => lints(f).map((d) => `${f}:${d.line} ${d.message}`))).toEqual([]);
  });
  it('fires on the catalog apps whose trap is visible statically', () => {
    const codes = (id: string) => lints(path.join(ROOT, 'examples/broken', id, '.do/app.yaml')).map((d) => d.code);
    expect(codes('gunicorn-tmp-dir')).toEqual(['lint/gunicorn-tmp-dir']);
    expect(codes('shell-form-cmd')).toEqual(['lint/shell-form-cmd']);
    expect(codes('binds-loopback')).toEqual([]); // the bind is in code, not in a command: the runtime diagnoses it
  });
});
