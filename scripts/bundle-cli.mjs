// The CLI as one file: Node 20 spends more of a `rehearse up` resolving and reading ~900 module files than
// starting. One bundled file, next to the compiled CLI so every relative path (sandbox/, package.json,
// createRequire) resolves as it does from dist/cli/main.js. The library (`import { startApp } from 'rehearse'`)
// stays the plain tsc output.
import { build } from 'esbuild';
import path from 'node:path';

// Modules needed only on rare paths, kept out of start-up:
// - dockerode's BuildKit session (gRPC and protobuf, ~1 MB, ~40 ms to load; rehearse uses the classic
//   builder) is callback-style, so it becomes a chunk of its own, imported on its first call;
// - docker-modem's ssh transport (ssh2, for DOCKER_HOST=ssh:// only) must answer synchronously, so it stays in
//   the file but is evaluated on its first call (esbuild initialises a require()d module where it is called).
const LAZY = [
  { importer: /dockerode[\\/]lib[\\/]docker\.js$/, path: './session', async: true },
  { importer: /docker-modem[\\/]lib[\\/]modem\.js$/, path: './ssh', async: false },
];
const lazy = {
  name: 'lazy-functions',
  setup(b) {
    b.onResolve({ filter: /^\.\/(session|ssh)$/ }, (args) => {
      const l = LAZY.find((x) => x.path === args.path && x.importer.test(args.importer));
      if (!l) return undefined;
      return {
        path: path.join(args.resolveDir, args.path + '.js'),
        namespace: l.async ? 'lazy-async' : 'lazy',
      };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: `module.exports = function () { return require(${JSON.stringify(args.path)}).apply(this, arguments); };`,
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
    // withSession(docker, auth, handler): the handler hears a failure to load as it would any other.
    b.onLoad({ filter: /.*/, namespace: 'lazy-async' }, (args) => ({
      contents: `module.exports = function (docker, auth, handler) {
  import(${JSON.stringify(args.path)}).then((m) => (m.default ?? m)(docker, auth, handler), handler);
};`,
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};

// `undici` itself (not its subpaths) resolves to scripts/undici-slim.mjs: see that file.
const slimUndici = {
  name: 'slim-undici',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: path.resolve('scripts/undici-slim.mjs') }));
  },
};

await build({
  entryPoints: ['dist/cli/main.js'],
  outdir: 'dist/cli',
  entryNames: '[name].bundle',
  chunkNames: 'bundle-[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  bundle: true,
  // Not minified: `--verbose` stack traces keep their names, and minifying bought no start-up time here.
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Optional native add-ons of ssh2: required inside try/catch, absent here, never bundled.
  external: ['cpu-features', '*.node'],
  plugins: [lazy, slimUndici],
  // CommonJS dependencies in an ES module need require, __filename and __dirname.
  banner: {
    js: [
      "import { createRequire as __rehearseRequire } from 'node:module';",
      "import { fileURLToPath as __rehearsePath } from 'node:url';",
      'const require = __rehearseRequire(import.meta.url);',
      'const __filename = __rehearsePath(import.meta.url);',
      "const __dirname = __rehearsePath(new URL('.', import.meta.url));",
    ].join('\n'),
  },
  logLevel: 'warning',
});
