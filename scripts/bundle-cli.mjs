// The CLI as one file (bin/rehearse imports it): Node 20 spends more of a start resolving and reading the ~900
// module files of dist/ and node_modules than running them (`rehearse --version`: ~1.0 s from dist/cli/main.js,
// ~0.35 s from the bundle, median of 11 on a loaded 2-core machine). It sits next to the compiled CLI so every
// relative path (sandbox/, package.json, createRequire) resolves as it does from dist/cli/main.js. CommonJS, as
// Node loads it without an ES module graph to link. The library (`import { startApp } from 'rehearse'`) stays
// the plain tsc output.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const OUT = 'dist/cli/main.bundle.cjs';

// Modules needed only on rare paths are not bundled: they are required from node_modules (they are dependencies,
// so they are there) on their first call, never at start-up:
// - dockerode's BuildKit session and progress reader (gRPC and protobuf, ~1 MB; rehearse uses the classic
//   builder);
// - docker-modem's ssh transport (ssh2, for DOCKER_HOST=ssh:// only).
const LAZY = [
  { importer: /dockerode[\\/]lib[\\/]docker\.js$/, request: './session', module: 'dockerode/lib/session.js' },
  { importer: /dockerode[\\/]lib[\\/]docker\.js$/, request: './buildkit', module: 'dockerode/lib/buildkit.js' },
  { importer: /docker-modem[\\/]lib[\\/]modem\.js$/, request: './ssh', module: 'docker-modem/lib/ssh.js' },
];
const lazy = {
  name: 'lazy-modules',
  setup(b) {
    b.onResolve({ filter: /^\.\/(session|buildkit|ssh)$/ }, (args) => {
      const l = LAZY.find((x) => x.request === args.path && x.importer.test(args.importer));
      return l ? { path: l.module, namespace: 'lazy' } : undefined;
    });
    // Each is a function (withSession, an ssh agent factory) or an object of functions (buildkit): a stand-in
    // that requires the real one when first called.
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents:
        args.path === 'dockerode/lib/buildkit.js'
          ? `module.exports = { followProgress() { const m = require(${JSON.stringify(args.path)}); return m.followProgress.apply(m, arguments); } };`
          : `module.exports = function () { return require(${JSON.stringify(args.path)}).apply(this, arguments); };`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^(dockerode|docker-modem)\/lib\/\w+\.js$/ }, (args) =>
      args.namespace === 'lazy' ? { path: args.path, external: true } : undefined,
    );
  },
};

// `undici` itself (not its subpaths) resolves to scripts/undici-slim.mjs: see that file.
const slimUndici = {
  name: 'slim-undici',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: path.resolve('scripts/undici-slim.mjs') }));
  },
};

// Earlier layouts of the bundle (ES module chunks) and the code caches earlier versions left beside it.
for (const f of readdirSync('dist/cli'))
  if (/^(main\.bundle|bundle-).*\.(mjs|cjs|cache)$/.test(f)) rmSync(path.join('dist/cli', f));

await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: OUT,
  bundle: true,
  // Whitespace and syntax only: `--verbose` stack traces keep their function names.
  minifyWhitespace: true,
  minifySyntax: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Optional native add-ons of ssh2: required inside try/catch, absent here, never bundled.
  external: ['cpu-features', '*.node'],
  plugins: [lazy, slimUndici],
  // ES modules of ours and of chokidar ask for import.meta.url; in a CommonJS file it is this file's URL.
  define: { 'import.meta.url': '__rehearseMetaUrl' },
  banner: { js: 'var __rehearseMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
